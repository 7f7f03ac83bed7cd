//! The pure Rust core of `connector-tencent-sms-rs`, testable without Node.
//!
//! One module per concern: `config` validates (reading JavaScript's JSON with `json_input`),
//! `template` picks the template, `phone` normalizes numbers, `request` builds SendSms
//! (signed by `tencent-sms-tc3`), `client` sends it within one deadline (over `tls`, resolving with `dns`), `response` reads the
//! answer, `classify` maps Tencent's codes to Logto's and `remedy` names the config key to fix;
//! `usage` answers `getUsage`. What the Node binding needs is public; the rest is the crate's
//! own. Test hooks (`fuzzing`, `testing`, `OffsetClock`, extra root certificates, the
//! `Value`-based [`send_message`]) exist only with the `testing` feature.

#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

mod breaker;
mod classify;
mod client;
pub mod clock;
mod config;
mod config_cache;
mod connector;
mod credentials;
mod diagnosis;
mod dns;
mod endpoint;
mod failure;
#[cfg(feature = "testing")]
pub mod fuzzing;
mod guard;
pub mod json_input;
mod locale;
mod message;
pub mod metadata;
mod phone;
mod remedy;
mod request;
mod response;
mod review_cache;
mod send_log;
mod template;
mod tencent_codes;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod tls;
mod usage;

pub use breaker::{FAILURES_TO_OPEN, OPEN_FOR as BREAKER_OPEN_FOR};
pub use client::{ClientOptions, SmsClient, MAX_IN_FLIGHT, MIN_TIME_TO_SEND, SEND_DEADLINE};
pub use config::{validate_config, ConfigIssue, ConnectorConfig};
pub use config_cache::ConfigCache;
#[cfg(feature = "testing")]
pub use connector::send_message;
pub use connector::{describe_credentials, prepare_send, send_message_json, CredentialReport};
pub use credentials::{CredentialSource, SigningKeys};
pub use diagnosis::{delivery_receipts, doctor, doctor_json, Check, Receipt, RECEIPT_DAYS};
pub use endpoint::Endpoint;
pub use failure::{ConnectorFailure, ErrorCode};
pub use guard::{Guard, GuardConfig, GuardDecision, GuardedSend, Limit, NumberType};
pub use message::{parse_message_data, MessageData};
pub use phone::{normalize_e164, PhoneError, E164};
pub use request::{RequestCredentials, TencentRequest};
pub use response::SendResult;
pub use usage::{get_usage, UsageCache};
