//! The pure core of `connector-tencent-sms-rs`: everything that decides, nothing that waits.
//!
//! No sockets, no clock read, no process state: what the runtime would read from the world
//! (now, the process environment) comes in as arguments. `config` validates a config (reading
//! JavaScript's JSON with `json_input`, reporting through `issue`), `template` and `locale` pick
//! the template, `phone` normalizes numbers, `prepare` turns a message into the `request` to
//! sign (by `tencent-sms-tc3`), `response` reads Tencent's answer, and `tencent_codes` is the
//! one table of Tencent's error codes that `classify` (Logto's error code) and `remedy` (the
//! config key to fix) read. `guard` holds the SMS guard's rules; counting is the runtime's.
//! Test hooks (`fuzzing`, `testing`) exist only with the `testing` feature.

pub mod classify;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod environment;
mod error_code;
pub mod failure;
#[cfg(feature = "testing")]
pub mod fuzzing;
pub mod guard;
pub mod issue;
pub mod json_input;
mod locale;
pub mod message;
pub mod metadata;
pub mod phone;
pub mod prepare;
mod remedy;
pub mod request;
pub mod response;
pub mod schema;
pub mod template;
pub mod tencent_codes;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use config::{validate_config, ConnectorConfig, SiteName};
pub use credentials::{CredentialSource, SigningKeys};
pub use endpoint::Endpoint;
pub use environment::Environment;
pub use failure::{ConnectorFailure, ErrorCode};
pub use guard::{GuardConfig, GuardDecision, GuardedSend, Limit, NumberType};
pub use issue::ConfigIssue;
pub use message::{parse_message_data, MessageData};
pub use phone::{normalize_e164, PhoneError, E164};
pub use prepare::{prepare_send, PreparedSend};
pub use request::{RequestCredentials, TencentRequest};
pub use response::SendResult;
