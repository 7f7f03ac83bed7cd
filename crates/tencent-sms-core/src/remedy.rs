//! Which config key an operator must change when Tencent refuses the config, and how.
//!
//! Logto's console shows an error's details only when its data is a `ZodError`; any other
//! `invalid_config` reads "The connector's config is invalid." and nothing more. So a refusal
//! that the operator can fix becomes one zod issue whose `path` is the key to edit
//! (`templates.2.templateCode`) and whose message says what Tencent said and what to do.

use serde_json::Value;

use crate::tencent_codes::FixKey;

/// The template a send used, as far as an error message needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentTemplate {
    /// Its position in the config's `templates` array.
    pub index: usize,
    /// Whether it carries its own `signName` (else the top-level one was sent).
    pub own_sign_name: bool,
}

/// Where to fix a refusal and what to do there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigFix {
    pub path: Vec<Value>,
    pub advice: &'static str,
}

/// The key and the advice for a Tencent code the operator fixes in the config, from the one
/// code table; `None` for codes that are not about the config (destination, rate, quota,
/// transient).
pub(crate) fn config_fix(code: &str, template: Option<SentTemplate>) -> Option<ConfigFix> {
    let (key, advice) = crate::tencent_codes::lookup(code)?.fix?;
    let path = match (key, template) {
        (FixKey::TopLevel(name), _) => vec![name.into()],
        (FixKey::Template(field), Some(t)) => {
            vec!["templates".into(), t.index.into(), field.into()]
        }
        (FixKey::Template(_), None) => vec!["templates".into()],
        (FixKey::SignName, Some(t)) if t.own_sign_name => {
            vec!["templates".into(), t.index.into(), "signName".into()]
        }
        (FixKey::SignName, _) => vec!["signName".into()],
    };
    Some(ConfigFix { path, advice })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(code: &str, template: Option<SentTemplate>) -> String {
        let fix = config_fix(code, template).unwrap_or_else(|| panic!("{code} has a fix"));
        fix.path
            .iter()
            .map(|p| p.to_string().trim_matches('"').to_owned())
            .collect::<Vec<_>>()
            .join(".")
    }

    const THIRD: Option<SentTemplate> = Some(SentTemplate {
        index: 2,
        own_sign_name: false,
    });

    #[test]
    fn credentials_point_at_the_key_to_fix() {
        assert_eq!(
            path_of("AuthFailure.SecretIdNotFound", THIRD),
            "accessKeyId"
        );
        assert_eq!(
            path_of("AuthFailure.SignatureFailure", THIRD),
            "accessKeySecret"
        );
        assert_eq!(
            path_of("UnauthorizedOperation.SmsSdkAppIdVerifyFail", THIRD),
            "sdkAppId"
        );
        assert_eq!(path_of("UnsupportedRegion", None), "region");
        assert_eq!(
            path_of("UnauthorizedOperation.SomethingNew", None),
            "accessKeyId"
        );
    }

    #[test]
    fn template_problems_point_at_the_template_that_was_sent() {
        assert_eq!(
            path_of("FailedOperation.TemplateIncorrectOrUnapproved", THIRD),
            "templates.2.templateCode"
        );
        assert_eq!(
            path_of(
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                THIRD
            ),
            "templates.2.templateCode"
        );
        assert_eq!(
            path_of(
                "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
                THIRD
            ),
            "templates.2.international"
        );
    }

    #[test]
    fn a_refused_sign_points_at_the_sign_that_was_sent() {
        let code = "FailedOperation.SignatureIncorrectOrUnapproved";
        assert_eq!(path_of(code, THIRD), "signName");
        let own = Some(SentTemplate {
            index: 4,
            own_sign_name: true,
        });
        assert_eq!(path_of(code, own), "templates.4.signName");
    }

    #[test]
    fn codes_outside_the_config_have_no_fix() {
        for code in [
            "LimitExceeded.PhoneNumberDailyLimit",
            "InvalidParameterValue.IncorrectPhoneNumber",
            "LimitExceeded.AppDailyLimit",
            "InternalError.Timeout",
            "RequestLimitExceeded",
        ] {
            assert!(config_fix(code, THIRD).is_none(), "{code}");
        }
    }
}
