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
pub enum Fault {
    /// An HTTP error status (e.g. 502, 503) with a short JSON-less body.
    HttpStatus { status: u16 },
    /// An HTML error page, as a proxy or gateway would answer.
    HtmlPage {
        #[serde(default = "default_html_status")]
        status: u16,
    },
    /// A 200 whose JSON stops half way.
    TruncatedJson,
    /// A 200 whose body is not JSON at all.
    InvalidJson,
    /// A 200 with a valid JSON body larger than any real answer.
    Oversize {
        #[serde(default = "default_oversize_bytes")]
        bytes: usize,
    },
    /// Wait before answering normally.
    Delay { ms: u64 },
    /// Reset the connection before reading the request body.
    ResetBeforeBody,
    /// Reset the connection after reading the whole request body, without answering.
    ResetAfterBody,
    /// Answer with this Tencent error in `Response.Error`.
    TencentError {
        code: String,
        #[serde(default)]
        message: Option<String>,
    },
    /// Answer with this code for every number in `SendStatusSet`.
    SendStatusCode {
        code: String,
        #[serde(default)]
        message: Option<String>,
    },
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
    #[serde(flatten)]
    pub fault: Fault,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}
