//! The one error type a send can end in, shaped for Logto's `ConnectorError`.
//!
//! The JS shim turns a failure into `new ConnectorError(code, data)` with the host's class.
//! Descriptions are built from known-safe parts only: never the secret, the signature or the
//! whole config.

use serde_json::{json, Value};

use crate::classify::{classify_tencent_code, ErrorCode, TencentErrorClass};
use crate::config::ConfigIssue;

#[derive(Debug, Clone, PartialEq)]
pub enum FailureData {
    /// The config failed validation; becomes a `ZodError` in JS.
    ConfigIssues(Vec<ConfigIssue>),
    /// A plain message, as the official connector passes for `template_not_found`.
    Message(String),
    /// `{ errorDescription, tencentCode?, requestId? }`; Logto shows `errorDescription`.
    Described {
        description: String,
        tencent_code: Option<String>,
        request_id: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorFailure {
    pub code: ErrorCode,
    pub data: FailureData,
}

impl ConnectorFailure {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            data: FailureData::Described {
                description: description.into(),
                tencent_code: None,
                request_id: None,
            },
        }
    }

    pub fn invalid_config(issues: Vec<ConfigIssue>) -> Self {
        Self {
            code: ErrorCode::InvalidConfig,
            data: FailureData::ConfigIssues(issues),
        }
    }

    pub fn template_not_found(usage_type: &str) -> Self {
        Self {
            code: ErrorCode::TemplateNotFound,
            data: FailureData::Message(format!("Cannot find template for type: {usage_type}")),
        }
    }

    /// A refusal from Tencent, classified by its code.
    pub fn from_tencent(code: &str, message: &str, request_id: Option<&str>) -> Self {
        let class = classify_tencent_code(code);
        let mut description = format!("{code}: {message}");
        if class == TencentErrorClass::ClockSkew {
            description.push_str(
                " (this server's clock is too far from Tencent's; fix the clock, e.g. enable NTP)",
            );
        }
        Self {
            code: class.error_code(),
            data: FailureData::Described {
                description,
                tencent_code: Some(code.to_owned()),
                request_id: request_id.map(str::to_owned),
            },
        }
    }

    pub fn tencent_code(&self) -> Option<&str> {
        match &self.data {
            FailureData::Described { tencent_code, .. } => tencent_code.as_deref(),
            _ => None,
        }
    }

    /// `{ code, data }` for the napi layer; config issues travel as `{ issues }`.
    pub fn to_json(&self) -> Value {
        let data = match &self.data {
            FailureData::ConfigIssues(issues) => json!({ "issues": issues }),
            FailureData::Message(message) => Value::String(message.clone()),
            FailureData::Described {
                description,
                tencent_code,
                request_id,
            } => {
                let mut data = json!({ "errorDescription": description });
                if let Some(code) = tencent_code {
                    data["tencentCode"] = Value::String(code.clone());
                }
                if let Some(id) = request_id {
                    data["requestId"] = Value::String(id.clone());
                }
                data
            }
        };
        json!({ "code": self.code.as_str(), "data": data })
    }
}

impl std::fmt::Display for ConnectorFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.data {
            FailureData::ConfigIssues(issues) => {
                let described: Vec<String> = issues.iter().map(ConfigIssue::describe).collect();
                write!(f, "{}: {}", self.code.as_str(), described.join("; "))
            }
            FailureData::Message(message) => write!(f, "{}: {message}", self.code.as_str()),
            FailureData::Described { description, .. } => {
                write!(f, "{}: {description}", self.code.as_str())
            }
        }
    }
}

impl std::error::Error for ConnectorFailure {}
