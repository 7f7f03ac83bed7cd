//! Every bound and default the connector enforces, in one value read from the constants that
//! enforce them: the documentation's bounds table is rendered from it and its prose is tested
//! against it (`scripts/tables.mjs`, `__test__/bounds.test.mjs`), so a changed constant cannot
//! leave a document wrong.

use serde::Serialize;

use crate::breaker;
use crate::client;
use crate::credentials;
use crate::diagnosis;
use crate::guard;
use crate::stderr_lines;

/// The bounds, as the documentation names them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// The most one send takes, from `sendMessage` to its answer.
    pub send_deadline_seconds: u64,
    /// A request is started only with at least this much of the deadline left.
    pub min_time_to_send_seconds: u64,
    /// The TCP and TLS connect bound of one attempt.
    pub connect_timeout_seconds: u64,
    /// The most one HTTP exchange may take.
    pub request_timeout_seconds: u64,
    /// Retries of a request that cannot have been delivered.
    pub max_retries: u32,
    /// Requests to Tencent in flight at once per process.
    pub max_in_flight: usize,
    /// How long an idle connection is kept.
    pub idle_connection_seconds: u64,
    /// The most of a Tencent answer that is read.
    pub max_response_bytes: usize,
    /// Unreachable attempts in a row before a host is avoided.
    pub breaker_failures_to_open: u32,
    /// How long an unreachable host is avoided.
    pub breaker_open_seconds: u64,
    /// How long a send waits for the guard's Redis.
    pub redis_timeout_ms: u128,
    /// Counters kept in a process per guard rule.
    pub max_local_counters: usize,
    /// How long Tencent keeps delivery receipts.
    pub receipt_days: i64,
    /// The most an error's review lookup takes.
    pub review_lookup_seconds: u64,
    /// How long before expiry temporary keys are refreshed.
    pub refresh_ahead_seconds: i64,
    /// How often long-term keys from a file or the environment are read again.
    pub reload_seconds: i64,
    /// How long a failed fetch of keys answers the sends with none.
    pub failure_shared_seconds: i64,
    /// How long the metadata service may take.
    pub metadata_timeout_seconds: u64,
    /// How long STS may take.
    pub sts_timeout_seconds: u64,
    /// The most of a metadata or STS answer that is read.
    pub max_credential_answer_bytes: usize,
    /// The most a profile file or web-identity token may hold.
    pub max_credential_file_bytes: usize,
    /// Send-log lines waiting for stderr at most.
    pub log_queue_lines: usize,
    /// How long the process's exit waits for the send log's last lines.
    pub exit_flush_ms: u128,
}

/// The bounds in force.
pub fn limits() -> Limits {
    Limits {
        send_deadline_seconds: client::SEND_DEADLINE.as_secs(),
        min_time_to_send_seconds: client::MIN_TIME_TO_SEND.as_secs(),
        connect_timeout_seconds: client::CONNECT_TIMEOUT.as_secs(),
        request_timeout_seconds: client::REQUEST_TIMEOUT.as_secs(),
        max_retries: client::MAX_RETRIES,
        max_in_flight: client::MAX_IN_FLIGHT,
        idle_connection_seconds: client::IDLE_CONNECTION_TIMEOUT.as_secs(),
        max_response_bytes: tencent_sms_core::response::MAX_RESPONSE_BYTES,
        breaker_failures_to_open: breaker::FAILURES_TO_OPEN,
        breaker_open_seconds: breaker::OPEN_FOR.as_secs(),
        redis_timeout_ms: guard::REDIS_TIMEOUT.as_millis(),
        max_local_counters: guard::MAX_LOCAL_COUNTERS,
        receipt_days: diagnosis::RECEIPT_DAYS,
        review_lookup_seconds: diagnosis::REVIEW_LOOKUP_TIMEOUT.as_secs(),
        refresh_ahead_seconds: credentials::REFRESH_AHEAD_SECONDS,
        reload_seconds: credentials::RELOAD_SECONDS,
        failure_shared_seconds: credentials::FAILURE_SHARED_SECONDS,
        metadata_timeout_seconds: credentials::METADATA_TIMEOUT.as_secs(),
        sts_timeout_seconds: credentials::STS_TIMEOUT.as_secs(),
        max_credential_answer_bytes: credentials::MAX_ANSWER_BYTES,
        max_credential_file_bytes: credentials::MAX_FILE_BYTES,
        log_queue_lines: stderr_lines::QUEUE_LINES,
        exit_flush_ms: stderr_lines::EXIT_FLUSH_BOUND.as_millis(),
    }
}
