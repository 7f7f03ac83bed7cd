//! Logto's `ConnectorErrorCodes` as this connector produces them: a leaf that the failure type
//! and the classification of Tencent's codes both name.

/// The `ConnectorErrorCodes` values this connector produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// Anything transient or unknown (Logto answers 400).
    General,
    /// The operator must fix the config or the Tencent console.
    InvalidConfig,
    /// `sendMessage` or `getUsage` was called with bad arguments.
    InvalidRequestParameters,
    /// Tencent answered something unreadable.
    InvalidResponse,
    /// No template fits the message type.
    TemplateNotFound,
    /// A rate limit, Tencent's or the API's (Logto answers 429).
    RateLimitExceeded,
    /// Falls back to `rate_limit_exceeded` in the JS shim when the host kit predates it (5.1.0).
    UsageLimitExceeded,
}

impl ErrorCode {
    /// The code as Logto's `ConnectorErrorCodes` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::InvalidConfig => "invalid_config",
            Self::InvalidRequestParameters => "invalid_request_parameters",
            Self::InvalidResponse => "invalid_response",
            Self::TemplateNotFound => "template_not_found",
            Self::RateLimitExceeded => "rate_limit_exceeded",
            Self::UsageLimitExceeded => "usage_limit_exceeded",
        }
    }
}
