//! Faults to inject into the next N SendSms requests, so every failure path of a client can
//! be tested on demand.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
/// What the next API request gets instead of (or before) its normal answer.
pub enum Fault {
    /// An HTTP error status (e.g. 502, 503) with a short JSON-less body.
    HttpStatus {
        /// The HTTP status, 100–599.
        status: u16,
    },
    /// An HTML error page, as a proxy or gateway would answer.
    HtmlPage {
        /// The HTTP status (502 by default).
        #[serde(default = "default_html_status")]
        status: u16,
    },
    /// A 200 whose JSON stops half way.
    TruncatedJson,
    /// A 200 whose body is not JSON at all.
    InvalidJson,
    /// A 200 with a valid JSON body larger than any real answer.
    Oversize {
        /// The padding in bytes (2 MiB by default, at most 64 MiB).
        #[serde(default = "default_oversize_bytes")]
        bytes: usize,
    },
    /// Wait before answering normally.
    Delay {
        /// Milliseconds to wait, at most 10 minutes.
        ms: u64,
    },
    /// Reset the connection before reading the request body.
    ResetBeforeBody,
    /// Reset the connection after reading the whole request body, without answering.
    ResetAfterBody,
    /// Answer with this Tencent error in `Response.Error`.
    TencentError {
        /// Tencent's error code, e.g. `LimitExceeded.PhoneNumberDailyLimit`.
        code: String,
        /// The message (`injected <code>` by default).
        #[serde(default)]
        message: Option<String>,
    },
    /// Answer with this code for every number in `SendStatusSet`.
    SendStatusCode {
        /// The per-number code, e.g. `InvalidParameterValue.IncorrectPhoneNumber`.
        code: String,
        /// The message (`injected <code>` by default).
        #[serde(default)]
        message: Option<String>,
    },
}

impl Fault {
    /// Whether the request body is read before the fault strikes: for every fault but a reset
    /// before the body.
    pub(crate) fn reads_body(&self) -> bool {
        !matches!(self, Self::ResetBeforeBody)
    }
}

fn default_html_status() -> u16 {
    502
}

fn default_oversize_bytes() -> usize {
    2 * 1024 * 1024
}

/// A fault and how many of the next requests get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSpec {
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many of the next API requests get it (1 by default, at most 100 000).
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// The largest fault values accepted: far above what any test needs, far below what could
/// exhaust the host (the emulator may run inside the host's Node process).
pub(crate) const MAX_OVERSIZE_BYTES: usize = 64 * 1024 * 1024;
pub(crate) const MAX_DELAY_MS: u64 = 10 * 60 * 1000;
pub(crate) const MAX_FAULT_COUNT: u32 = 100_000;
const MAX_TEXT_CHARS: usize = 1024;

impl FaultSpec {
    /// Why the spec cannot be applied, or `Ok` when every field is within its bounds.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_FAULT_COUNT).contains(&self.count) {
            return Err(format!("count must be 1 to {MAX_FAULT_COUNT}"));
        }
        let text_ok = |text: &str| !text.is_empty() && text.chars().count() <= MAX_TEXT_CHARS;
        match &self.fault {
            Fault::HttpStatus { status } | Fault::HtmlPage { status }
                if !(100..=599).contains(status) =>
            {
                Err("status must be an HTTP status from 100 to 599".into())
            }
            Fault::Oversize { bytes } if !(1..=MAX_OVERSIZE_BYTES).contains(bytes) => {
                Err(format!("bytes must be 1 to {MAX_OVERSIZE_BYTES} (64 MiB)"))
            }
            Fault::Delay { ms } if *ms > MAX_DELAY_MS => {
                Err(format!("ms must be at most {MAX_DELAY_MS} (10 minutes)"))
            }
            Fault::TencentError { code, message } | Fault::SendStatusCode { code, message }
                if !text_ok(code) || message.as_deref().is_some_and(|m| !text_ok(m)) =>
            {
                Err(format!(
                    "code (and message, if given) must be 1 to {MAX_TEXT_CHARS} characters"
                ))
            }
            _ => Ok(()),
        }
    }
}
