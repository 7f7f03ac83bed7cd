//! A local emulator of Tencent Cloud SMS `SendSms` (API 3.0, 2021-01-11).
//!
//! It verifies TC3-HMAC-SHA256 exactly as Tencent does (with the connector's own signer),
//! applies Tencent's SendSms rules with Tencent's error codes, keeps an inbox of rendered
//! messages, and injects faults on demand, over plain HTTP or, given a certificate, HTTPS. It
//! is the server the connector's tests, demo and benchmark talk to, and a tool for anyone's
//! end-to-end tests of Logto.

mod access;
mod api;
mod api_error;
pub mod cli;
mod describe;
mod faults;
mod http;
mod inbox;
mod numbers;
pub mod options;
mod params;
mod refusals;
mod roles;
mod send_sms;
mod server;
mod state;
pub mod tls;
mod ui;
mod verify;

pub use faults::{Fault, FaultSpec};
pub use inbox::DeliveredMessage;
pub use options::{
    AccessToken, Credential, DeliveryFailure, EmulatedApp, EmulatedRole, EmulatedTemplate,
    EmulatorOptions, EmulatorTls, SignReview,
};
pub use refusals::Refusal;
pub use server::{RunningEmulator, MAX_BODY_BYTES_IN_FLIGHT};
pub use state::{
    EmulatorState, MAX_INBOX_MESSAGES, MAX_LEDGER_ENTRIES, MAX_REFUSALS, MAX_REMEMBERED_NUMBERS,
};
