//! Which config key an operator must change when Tencent refuses the config, and how.
//!
//! Logto's console shows an error's details only when its data is a `ZodError`; any other
//! `invalid_config` reads "The connector's config is invalid." and nothing more. So a refusal
//! that the operator can fix becomes one zod issue whose `path` is the key to edit
//! (`templates.2.templateCode`) and whose message says what Tencent said and what to do.

use serde_json::Value;

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

enum Key {
    TopLevel(&'static str),
    /// A field of the template that was sent; the top-level key when no template was involved
    /// (a usage query).
    Template(&'static str),
    /// The template's own `signName` if it has one, else the top-level `signName`.
    SignName,
}

/// The key and the advice for a Tencent code the operator fixes in the config; `None` for codes
/// that are not about the config (destination, rate, quota, transient).
pub(crate) fn config_fix(code: &str, template: Option<SentTemplate>) -> Option<ConfigFix> {
    let (key, advice) = key_and_advice(code)?;
    let path = match (key, template) {
        (Key::TopLevel(name), _) => vec![name.into()],
        (Key::Template(field), Some(t)) => vec!["templates".into(), t.index.into(), field.into()],
        (Key::Template(_), None) => vec!["templates".into()],
        (Key::SignName, Some(t)) if t.own_sign_name => {
            vec!["templates".into(), t.index.into(), "signName".into()]
        }
        (Key::SignName, _) => vec!["signName".into()],
    };
    Some(ConfigFix { path, advice })
}

fn key_and_advice(code: &str) -> Option<(Key, &'static str)> {
    use Key::*;
    Some(match code {
        "AuthFailure.SecretIdNotFound" | "AuthFailure.InvalidSecretId" => (
            TopLevel("accessKeyId"),
            "Tencent does not know this SecretId: copy it again from the Tencent Cloud console (CAM > API keys), without surrounding spaces, and check that the key is enabled.",
        ),
        "AuthFailure.SignatureFailure" => (
            TopLevel("accessKeySecret"),
            "the SecretKey does not belong to this SecretId: copy the SecretKey of the same API key again (CAM > API keys).",
        ),
        "AuthFailure.TokenFailure"
        | "AuthFailure.MFAFailure"
        | "AuthFailure.UnauthorizedOperation"
        | "UnauthorizedOperation"
        | "UnauthorizedOperation.RequestPermissionDeny" => (
            TopLevel("accessKeyId"),
            "this API key may not send SMS: grant its CAM user the QcloudSMSFullAccess policy (or sms:SendSms and sms:SendStatusStatistics), or use another key.",
        ),
        "IpInBlacklist" | "IpNotInWhitelist" => (
            TopLevel("accessKeyId"),
            "this API key only accepts calls from listed IP addresses: add this Logto server's public IP to the key's allow-list in CAM.",
        ),
        "UnauthorizedOperation.RequestIpNotInWhitelist" => (
            TopLevel("sdkAppId"),
            "this SMS app only accepts calls from listed IP addresses: add this Logto server's public IP in the SMS console (application settings).",
        ),
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail"
        | "InvalidParameterValue.SdkAppIdNotExist"
        | "UnauthorizedOperation.SdkAppIdIsDisabled" => (
            TopLevel("sdkAppId"),
            "use the SdkAppId of an enabled SMS app in the same Tencent Cloud account as the API key (SMS console > Application management).",
        ),
        "UnsupportedRegion" => (
            TopLevel("region"),
            "use the region of your SMS app: ap-guangzhou on the China site, ap-singapore on the international site.",
        ),
        "FailedOperation.SignatureIncorrectOrUnapproved" => (
            SignName,
            "the sign name must be an approved sign of this SMS app, written exactly as approved (SMS console > Signatures).",
        ),
        "FailedOperation.TemplateIncorrectOrUnapproved"
        | "FailedOperation.TemplateUnapprovedOrNotExist" => (
            Template("templateCode"),
            "use the id of an approved template of this SMS app (SMS console > Body templates).",
        ),
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate" => (
            Template("templateCode"),
            "the template's placeholders do not match what is sent: a verification template needs exactly one placeholder, {1}, for the code.",
        ),
        "InvalidParameterValue.TemplateParameterFormatError"
        | "InvalidParameterValue.TemplateParameterLengthLimit"
        | "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter" => (
            Template("templateCode"),
            "the template's parameters are refused by its type: use a verification-code template whose placeholder takes the code.",
        ),
        "FailedOperation.ContainSensitiveWord"
        | "FailedOperation.MarketingSendTimeConstraint"
        | "InvalidParameterValue.ContentLengthLimit"
        | "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny" => (
            Template("templateCode"),
            "the template cannot be sent as it is: use an approved verification-code template.",
        ),
        "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone" => (
            Template("international"),
            "a mainland template went to a number outside mainland China: add an approved international template for this type or for Generic, with \"international\": true.",
        ),
        "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone" => (
            Template("international"),
            "an international template went to a mainland China number: add an approved mainland template (without \"international\": true) for this type or for Generic.",
        ),
        _ if code.starts_with("UnauthorizedOperation.") => (
            TopLevel("accessKeyId"),
            "Tencent refused this API key or SMS app: check the key's CAM permissions and the SMS app in the Tencent Cloud console.",
        ),
        _ => return None,
    })
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
