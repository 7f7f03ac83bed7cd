//! The runtime of `connector-tencent-sms-rs`: everything that waits on the world.
//!
//! [`Connector`] owns a process's state: the `client` (one pooled HTTPS client, resolving with
//! `dns`, trusting what `tls` loads, failing over past hosts its `breaker` avoids, with the
//! keys `credentials` reads and refreshes), validated configs (`config_cache`), the SMS
//! `guard`'s counters (this process or Redis), `usage` (getUsage) and the review lookups of
//! `diagnosis` (doctor, delivery receipts, review replies, cached by `review_cache`). `send`
//! is one send from message to outcome, and `send_log` its line on stderr. What is decided
//! without waiting is `tencent_sms_core`'s; the clock is a parameter (`clock`).
//! Test hooks (`testing`, `OffsetClock`, extra root certificates, the `Value`-based
//! [`send_message`]) exist only with the `testing` feature.

mod bounded_read;
mod breaker;
mod client;
pub mod clock;
mod config_cache;
mod connector;
mod credentials;
mod diagnosis;
mod dns;
mod guard;
mod limits;
mod process_env;
mod review_cache;
mod send;
mod send_log;
mod stderr_lines;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod tls;
mod usage;

pub use breaker::{FAILURES_TO_OPEN, OPEN_FOR as BREAKER_OPEN_FOR};
pub use client::{ClientOptions, SmsClient, MAX_IN_FLIGHT, MIN_TIME_TO_SEND, SEND_DEADLINE};
pub use connector::{Connector, CredentialReport};
pub use diagnosis::{doctor, Check, DeliveryStatus, Receipt, RECEIPT_DAYS};
pub use guard::Guard;
pub use limits::{limits, Limits};
pub use process_env::{environment, validate_config};
pub use stderr_lines::EXIT_FLUSH_BOUND;

/// A send through `connector`, as Logto makes it, from `serde_json::Value`s: what the runtime's
/// and the emulator's tests drive it with.
#[cfg(feature = "testing")]
pub async fn send_message(
    connector: &Connector,
    config: &serde_json::Value,
    data: &serde_json::Value,
) -> Result<tencent_sms_core::SendResult, tencent_sms_core::ConnectorFailure> {
    connector
        .send_message(&config.to_string(), &data.to_string())
        .await
}
