//! The SendSms client: one pooled HTTPS client per process, timeouts, safe retries and
//! clock-skew recovery.
//!
//! SendSms is not idempotent (no ClientToken), so a request is retried only when it cannot
//! have been delivered: the connection was never established, or Tencent refused it with
//! `RequestLimitExceeded*`. A timeout or a reset after the body went out is final, because
//! retrying it could send the user two codes.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::classify::{classify_tencent_code, ErrorCode, TencentErrorClass};
use crate::clock::{parse_http_date, Clock, SystemClock};
use crate::failure::ConnectorFailure;
use crate::request::{InvalidHeader, TencentRequest};
use crate::response::{
    parse_send_sms_response, parse_usage_response, SendResult, TencentReply, MAX_RESPONSE_BYTES,
};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_RETRIES: u32 = 2;
const BACKOFF_BASE: Duration = Duration::from_millis(100);
/// Requests in flight at once; more callers wait for a slot. The connection pool opens a
/// socket for every request that finds no idle one, so this cap is what bounds sockets (to
/// about this many) however many sends Logto starts together. 64 in flight is far beyond
/// human sign-in rates even at Tencent's round-trip times.
pub const MAX_IN_FLIGHT: usize = 64;
/// Idle keep-alive connections kept for reuse after a burst.
const MAX_IDLE_CONNECTIONS: usize = MAX_IN_FLIGHT;

/// How the client is built; `Default` is what production uses.
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub max_retries: u32,
    pub clock: Arc<dyn Clock>,
    /// Extra trusted root certificates (PEM), for tests against a local HTTPS server.
    pub extra_root_certificates_pem: Vec<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            max_retries: MAX_RETRIES,
            clock: Arc::new(SystemClock),
            extra_root_certificates_pem: Vec::new(),
        }
    }
}

pub struct SmsClient {
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    max_retries: u32,
    /// Seconds to add to the local clock, learned from Tencent's `Date` header.
    clock_offset: AtomicI64,
    in_flight: tokio::sync::Semaphore,
}

impl SmsClient {
    pub fn new(options: ClientOptions) -> Result<Self, ConnectorFailure> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS)
            .redirect(reqwest::redirect::Policy::none());
        if !options.extra_root_certificates_pem.is_empty() {
            let mut certs = Vec::new();
            for pem in &options.extra_root_certificates_pem {
                certs.push(reqwest::Certificate::from_pem(pem).map_err(|_| {
                    ConnectorFailure::new(
                        ErrorCode::General,
                        "an extra root certificate is not valid PEM",
                    )
                })?);
            }
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder.build().map_err(|e| {
            ConnectorFailure::new(
                ErrorCode::General,
                format!("cannot build the HTTP client: {}", root_cause(&e)),
            )
        })?;
        Ok(Self {
            http,
            clock: options.clock,
            max_retries: options.max_retries,
            clock_offset: AtomicI64::new(0),
            in_flight: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
        })
    }

    /// The process-wide client, created on first use.
    pub fn shared() -> Result<&'static SmsClient, ConnectorFailure> {
        static SHARED: OnceLock<SmsClient> = OnceLock::new();
        if let Some(client) = SHARED.get() {
            return Ok(client);
        }
        let client = SmsClient::new(ClientOptions::default())?;
        Ok(SHARED.get_or_init(|| client))
    }

    /// The clock correction currently applied, in seconds.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    fn now(&self) -> i64 {
        self.clock.now_unix() + self.clock_offset()
    }

    /// Sends a SendSms `request`, retrying only what is safe to retry.
    pub async fn send(&self, request: &TencentRequest) -> Result<SendResult, ConnectorFailure> {
        self.execute(request, parse_send_sms_response).await
    }

    /// Sends a SendStatusStatistics `request`: the billed message count.
    pub async fn fetch_usage(&self, request: &TencentRequest) -> Result<u64, ConnectorFailure> {
        self.execute(request, parse_usage_response).await
    }

    /// Any API call: the same timeouts, safe retries and clock correction for every action.
    async fn execute<T>(
        &self,
        request: &TencentRequest,
        parse: fn(&[u8]) -> Result<TencentReply<T>, ConnectorFailure>,
    ) -> Result<T, ConnectorFailure> {
        let _slot = self.in_flight.acquire().await.map_err(|_| {
            ConnectorFailure::new(ErrorCode::General, "the SMS client is shutting down")
        })?;
        let mut retries = 0;
        let mut clock_corrected = false;
        loop {
            let answer = match self.post(request).await {
                Ok(answer) => answer,
                Err(error) if error.is_connect() && retries < self.max_retries => {
                    backoff(retries).await;
                    retries += 1;
                    continue;
                }
                Err(error) => return Err(network_failure(&error, &request.host)),
            };
            let reply = parse(&answer.body?)?;
            let (code, message, request_id) = match reply {
                TencentReply::Sent(result) => return Ok(result),
                TencentReply::Refused {
                    code,
                    message,
                    request_id,
                } => (code, message, request_id),
            };
            match classify_tencent_code(&code) {
                TencentErrorClass::ApiRate if retries < self.max_retries => {
                    backoff(retries).await;
                    retries += 1;
                }
                TencentErrorClass::ClockSkew
                    if code == "AuthFailure.SignatureExpire"
                        && !clock_corrected
                        && answer.server_time.is_some() =>
                {
                    let server_time = answer.server_time.unwrap_or_default();
                    let local = self.clock.now_unix();
                    self.clock_offset
                        .store(server_time - local, Ordering::Relaxed);
                    clock_corrected = true;
                }
                _ => {
                    return Err(ConnectorFailure::from_tencent(
                        &code,
                        &message,
                        request_id.as_deref(),
                    ))
                }
            }
        }
    }

    async fn post(&self, request: &TencentRequest) -> Result<Answer, reqwest::Error> {
        let headers = match request.headers(self.now()) {
            Ok(headers) => headers,
            Err(InvalidHeader) => return Ok(Answer {
                server_time: None,
                body: Err(ConnectorFailure::new(
                    ErrorCode::InvalidConfig,
                    "accessKeyId, region or endpoint holds characters an HTTP header cannot carry",
                )),
            }),
        };
        let mut http_request = reqwest::Request::new(reqwest::Method::POST, request.url.clone());
        *http_request.headers_mut() = headers;
        *http_request.body_mut() = Some(request.body.clone().into());
        let mut response = self.http.execute(http_request).await?;
        let status = response.status();
        let server_time = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        if status != reqwest::StatusCode::OK {
            return Ok(Answer {
                server_time,
                body: Err(ConnectorFailure::new(
                    ErrorCode::General,
                    format!("Tencent SMS answered HTTP {status}"),
                )),
            });
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
        {
            return Ok(Answer {
                server_time,
                body: Err(oversize()),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Ok(Answer {
                    server_time,
                    body: Err(oversize()),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            server_time,
            body: Ok(body),
        })
    }
}

/// One HTTP exchange that completed: the server's clock and the body of a 200.
struct Answer {
    server_time: Option<i64>,
    body: Result<Vec<u8>, ConnectorFailure>,
}

fn oversize() -> ConnectorFailure {
    ConnectorFailure::new(
        ErrorCode::InvalidResponse,
        "Tencent SMS returned a malformed response: the body is larger than 1 MiB",
    )
}

/// Jittered exponential backoff: 100 ms, 200 ms, … each ±50 %.
async fn backoff(retry: u32) {
    let base = BACKOFF_BASE.as_millis() as u64 * (1 << retry.min(6));
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(retry);
    let jitter = hasher.finish() % (base + 1);
    tokio::time::sleep(Duration::from_millis(base / 2 + jitter)).await;
}

/// The innermost cause, which names the real problem (refused, DNS, certificate…).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

fn network_failure(error: &reqwest::Error, host: &str) -> ConnectorFailure {
    let cause = root_cause(error);
    let description = if error.is_timeout() {
        format!(
            "Tencent SMS at {host} did not answer in time ({cause}); the message may or may not have been sent, so it was not retried"
        )
    } else if error.is_connect() {
        format!("could not connect to Tencent SMS at {host}: {cause}")
    } else {
        format!("the request to Tencent SMS at {host} failed: {cause}")
    };
    ConnectorFailure::new(ErrorCode::General, description)
}
