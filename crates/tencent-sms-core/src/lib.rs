//! The pure Rust core of `connector-tencent-sms-rs`, testable without Node.
//!
//! One module per concern: [`tc3`] signs, [`config`] validates, [`template`] picks the
//! template, [`phone`] normalizes numbers, [`request`] builds SendSms, [`client`] sends it,
//! [`response`] reads the answer and [`classify`] maps Tencent codes to Logto's.

pub mod classify;
pub mod client;
pub mod clock;
pub mod config;
pub mod config_cache;
pub mod connector;
pub mod endpoint;
pub mod failure;
#[doc(hidden)]
pub mod fuzzing;
pub mod json_input;
pub mod message;
pub mod metadata;
pub mod phone;
pub mod remedy;
pub mod request;
pub mod response;
pub mod template;
pub mod usage;

pub use classify::{classify_tencent_code, ErrorCode, TencentErrorClass};
pub use client::{ClientOptions, SmsClient};
pub use config::{validate_config, ConfigIssue, ConnectorConfig};
pub use config_cache::ConfigCache;
pub use connector::{prepare_send, send_message, send_message_json};
pub use failure::ConnectorFailure;
pub use response::SendResult;
pub use usage::{get_usage, UsageCache};
