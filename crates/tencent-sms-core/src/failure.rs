//! The one error type a send can end in, shaped for Logto's `ConnectorError`.
//!
//! The JS shim turns a failure into `new ConnectorError(code, data)` with the host's class.
//! Descriptions are built from known-safe parts only: never the secret, the signature or the
//! whole config.

use serde_json::{json, Value};

use crate::classify::{classify_tencent_code, TencentErrorClass};
use crate::credentials::CredentialSource;
pub use crate::error_code::ErrorCode;
use crate::issue::ConfigIssue;
use crate::remedy::{config_fix, ConfigFix, SentTemplate};

/// What an operator reads when the account's SMS quota or balance ran out. Logto words every
/// `usage_limit_exceeded` as "The email service usage limit has been reached.", so the detail
/// says which limit it really is.
const QUOTA_ADVICE: &str = "this is the Tencent Cloud SMS account's quota, not an email limit (Logto words every usage limit that way): top up the SMS package, settle arrears, or raise the app's daily limits in the SMS console.";

/// What a failure carries for Logto, in the shape each error code's `ConnectorError` has.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureData {
    /// The config failed validation; becomes a `ZodError` in JS.
    ConfigIssues(Vec<ConfigIssue>),
    /// A plain message, as the official connector passes for `template_not_found`.
    Message(String),
    /// `{ errorDescription, tencentCode?, requestId? }`; Logto shows `errorDescription`.
    Described {
        /// What happened and what to do, as the admin reads it.
        description: String,
        /// Tencent's error code, when Tencent refused.
        tencent_code: Option<String>,
        /// Tencent's RequestId, for Tencent's support.
        request_id: Option<String>,
    },
    /// Tencent refused something the operator fixes in the config or the Tencent console:
    /// one issue at the key to change (a `ZodError` in JS, so the console shows it), plus
    /// what Tencent said.
    TencentIssue {
        /// Boxed: a `ConfigIssue` is large, and every `Result` carrying a failure pays for
        /// its largest variant.
        issue: Box<ConfigIssue>,
        /// Tencent's error code.
        tencent_code: String,
        /// Tencent's RequestId, for Tencent's support.
        request_id: Option<String>,
    },
}

/// How a send or a usage query failed: a `ConnectorError` in the making.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorFailure {
    /// Logto's error code.
    pub code: ErrorCode,
    /// What goes into the error's `data`.
    pub data: FailureData,
}

impl ConnectorFailure {
    /// A failure described in words (`errorDescription`).
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

    /// The config failed validation: every issue, zod-shaped.
    pub fn invalid_config(issues: Vec<ConfigIssue>) -> Self {
        Self {
            code: ErrorCode::InvalidConfig,
            data: FailureData::ConfigIssues(issues),
        }
    }

    /// No template fits `usage_type`, worded as the official connector words it.
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

    /// Turns a Tencent refusal that the operator must fix (credentials, app, region, sign,
    /// template, quota) into one issue at the config key to change, with what to do there.
    /// `template` is the template the send used, `None` for a usage query. Other failures are
    /// returned unchanged.
    pub fn pointing_at_config(self, template: Option<SentTemplate>) -> Self {
        let FailureData::Described {
            description,
            tencent_code: Some(tencent_code),
            request_id,
        } = &self.data
        else {
            return self;
        };
        let fix = match classify_tencent_code(tencent_code) {
            TencentErrorClass::Credentials | TencentErrorClass::SignOrTemplate => {
                config_fix(tencent_code, template).unwrap_or(ConfigFix {
                    path: Vec::new(),
                    advice: "check the connector config against the Tencent Cloud SMS console.",
                })
            }
            TencentErrorClass::AccountQuota => ConfigFix {
                path: vec!["sdkAppId".into()],
                advice: QUOTA_ADVICE,
            },
            _ => return self,
        };
        // Tencent's messages often end in a full stop of their own.
        let said = description.trim_end().trim_end_matches('.');
        let message = format!("Tencent SMS said {said}. What to do: {}", fix.advice);
        Self {
            code: self.code,
            data: FailureData::TencentIssue {
                issue: Box::new(ConfigIssue::custom(&fix.path, message)),
                tencent_code: tencent_code.clone(),
                request_id: request_id.clone(),
            },
        }
    }

    /// Points a refusal of the keys (`accessKeyId`, `accessKeySecret`) at `credentials` when
    /// `source` is not the config: those two fields stay empty with any other source, and the
    /// keys to replace are where the source reads them. Other failures are unchanged.
    pub fn keys_from(mut self, source: &CredentialSource) -> Self {
        if source.is_config() {
            return self;
        }
        if let FailureData::TencentIssue { issue, .. } = &mut self.data {
            let at_a_key = matches!(
                issue.path.first().and_then(Value::as_str),
                Some("accessKeyId" | "accessKeySecret")
            );
            if at_a_key && issue.path.len() == 1 {
                issue.path = vec![Value::from("credentials")];
                issue.message = format!(
                    "{} The keys came from credentials.source {}: replace them in {}.",
                    issue.message.trim_end(),
                    source.name(),
                    source.where_keys_live()
                );
            }
        }
        self
    }

    /// For a refusal of the international site's SecretKey typed into the top-level field
    /// `secret_key_field` (the console's masked one): the issue moves there from
    /// `internationalSite.accessKeySecret`. Other failures are unchanged.
    pub fn secret_typed_at(mut self, secret_key_field: &str) -> Self {
        if let FailureData::TencentIssue { issue, .. } = &mut self.data {
            let at: Vec<Option<&str>> = issue.path.iter().map(Value::as_str).collect();
            if at == [Some("internationalSite"), Some("accessKeySecret")] {
                issue.path = vec![Value::from(secret_key_field)];
            }
        }
        self
    }

    /// For a request through `internationalSite`: a fix at one of the site's keys moves under
    /// `internationalSite`, where that site's value is set (templates stay where they are).
    /// Unchanged for the top-level site.
    pub fn through_site(mut self, international_site: bool) -> Self {
        if !international_site {
            return self;
        }
        if let FailureData::TencentIssue { issue, .. } = &mut self.data {
            let top_key = issue.path.first().and_then(Value::as_str);
            if top_key.is_some_and(|key| key != "templates") {
                issue.path.insert(0, Value::from("internationalSite"));
            }
        }
        self
    }

    /// The Tencent error code behind the failure, if Tencent gave one.
    pub fn tencent_code(&self) -> Option<&str> {
        match &self.data {
            FailureData::Described { tencent_code, .. } => tencent_code.as_deref(),
            FailureData::TencentIssue { tencent_code, .. } => Some(tencent_code),
            _ => None,
        }
    }

    /// Adds `note` to what the admin reads: the issue's message, or the description.
    pub fn with_note(mut self, note: &str) -> Self {
        match &mut self.data {
            FailureData::TencentIssue { issue, .. } => {
                issue.message = format!("{} {note}.", issue.message.trim_end())
            }
            FailureData::Described { description, .. } => {
                *description = format!("{} {note}.", description.trim_end())
            }
            FailureData::ConfigIssues(issues) => {
                if let Some(issue) = issues.first_mut() {
                    issue.message = format!("{} {note}.", issue.message.trim_end());
                }
            }
            FailureData::Message(message) => *message = format!("{} {note}.", message.trim_end()),
        }
        self
    }

    /// Tencent's RequestId of the refused request, if it gave one.
    pub fn request_id(&self) -> Option<&str> {
        match &self.data {
            FailureData::Described { request_id, .. }
            | FailureData::TencentIssue { request_id, .. } => request_id.as_deref(),
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
            FailureData::TencentIssue {
                issue,
                tencent_code,
                request_id,
            } => {
                let mut data = json!({ "issues": [issue], "tencentCode": tencent_code });
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
            FailureData::TencentIssue { issue, .. } => {
                write!(f, "{}: {}", self.code.as_str(), issue.describe())
            }
        }
    }
}

impl std::error::Error for ConnectorFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: &str) -> ConnectorFailure {
        ConnectorFailure::from_tencent(code, "said so", Some("req-1"))
    }

    const FIRST: Option<SentTemplate> = Some(SentTemplate {
        index: 0,
        own_sign_name: false,
    });

    #[test]
    fn a_refused_international_secret_points_at_the_field_it_was_typed_into() {
        let mut raw = crate::testing::two_sites_config();
        let site = raw["internationalSite"].as_object_mut().unwrap();
        site.remove("accessKeySecret");
        raw["internationalAccessKeySecret"] = json!("intl-secret");
        let config = crate::validate_config(&raw, &Default::default()).unwrap();
        let international = config.international_site.as_ref().unwrap();
        let path =
            |failure: ConnectorFailure| failure.to_json()["data"]["issues"][0]["path"].clone();
        let refused = refusal("AuthFailure.SignatureFailure");
        assert_eq!(
            path(international.refusal_at_key(refused.clone(), FIRST, true)),
            json!(["internationalAccessKeySecret"])
        );
        assert_eq!(
            path(config.site.refusal_at_key(refused, FIRST, false)),
            json!(["accessKeySecret"])
        );
        let wrong_id =
            international.refusal_at_key(refusal("AuthFailure.SecretIdNotFound"), FIRST, true);
        assert_eq!(path(wrong_id), json!(["internationalSite", "accessKeyId"]));
    }

    #[test]
    fn a_message_that_ends_in_a_full_stop_reads_cleanly() {
        let failure = ConnectorFailure::from_tencent(
            "FailedOperation.TemplateIncorrectOrUnapproved",
            "template does not exist.",
            None,
        )
        .pointing_at_config(FIRST);
        let message = failure.to_json()["data"]["issues"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains("does not exist. What to do:"), "{message}");
        assert!(!message.contains(".."), "{message}");
    }

    #[test]
    fn a_refused_key_from_another_source_points_at_credentials_and_names_the_source() {
        for code in [
            "AuthFailure.SecretIdNotFound",
            "AuthFailure.SignatureFailure",
        ] {
            let source = CredentialSource::Profile {
                name: "ops".to_owned(),
            };
            let failure = refusal(code)
                .pointing_at_config(FIRST)
                .keys_from(&source)
                .through_site(true);
            let issue = &failure.to_json()["data"]["issues"][0];
            assert_eq!(issue["path"], json!(["internationalSite", "credentials"]));
            let message = issue["message"].as_str().unwrap();
            assert!(
                message.contains("credentials.source profile") && message.contains("[ops]"),
                "{message}"
            );
        }
        let from_config = refusal("AuthFailure.SignatureFailure")
            .pointing_at_config(FIRST)
            .keys_from(&CredentialSource::Config);
        assert_eq!(
            from_config.to_json()["data"]["issues"][0]["path"],
            json!(["accessKeySecret"])
        );
        let not_a_key = refusal("UnauthorizedOperation.SmsSdkAppIdVerifyFail")
            .pointing_at_config(FIRST)
            .keys_from(&CredentialSource::Environment);
        assert_eq!(
            not_a_key.to_json()["data"]["issues"][0]["path"],
            json!(["sdkAppId"])
        );
    }

    #[test]
    fn a_config_refusal_becomes_one_issue_at_the_key_with_tencents_words() {
        let failure = refusal("AuthFailure.SignatureFailure").pointing_at_config(FIRST);
        assert_eq!(failure.code, ErrorCode::InvalidConfig);
        let json = failure.to_json();
        assert_eq!(json["data"]["tencentCode"], "AuthFailure.SignatureFailure");
        assert_eq!(json["data"]["requestId"], "req-1");
        let issue = &json["data"]["issues"][0];
        assert_eq!(issue["path"], json!(["accessKeySecret"]));
        assert_eq!(issue["code"], "custom");
        let message = issue["message"].as_str().unwrap();
        assert!(
            message.starts_with("Tencent SMS said AuthFailure.SignatureFailure: said so."),
            "{message}"
        );
        assert!(message.contains("What to do:"), "{message}");
    }

    #[test]
    fn a_quota_refusal_keeps_its_code_and_says_it_is_sms() {
        let failure = refusal("LimitExceeded.AppDailyLimit").pointing_at_config(FIRST);
        assert_eq!(failure.code, ErrorCode::UsageLimitExceeded);
        let json = failure.to_json();
        assert_eq!(json["data"]["issues"][0]["path"], json!(["sdkAppId"]));
        assert!(json["data"]["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not an email limit"));
    }

    #[test]
    fn refusals_outside_the_config_are_unchanged() {
        for code in [
            "LimitExceeded.PhoneNumberDailyLimit",
            "InvalidParameterValue.IncorrectPhoneNumber",
            "InternalError.Timeout",
            "AuthFailure.SignatureExpire",
        ] {
            assert_eq!(
                refusal(code).pointing_at_config(FIRST),
                refusal(code),
                "{code}"
            );
        }
        let local = ConnectorFailure::new(ErrorCode::General, "no network");
        assert_eq!(local.clone().pointing_at_config(FIRST), local);
    }
}
