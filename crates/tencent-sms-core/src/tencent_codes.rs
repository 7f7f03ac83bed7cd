//! Tencent's error codes, in one table: for each code (or code prefix), what kind of problem it
//! is, and, for the ones an operator fixes in the config, the key to change and what to do.
//! `classify` reads the class, `remedy` the fix; the documented table
//! (`docs/tables/tencent-errors.json`) is checked against it by `classify`'s tests.

/// What a Tencent error code means for the operator: the classes the codes fall into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TencentErrorClass {
    /// Wrong SecretId/SecretKey, SmsSdkAppId, IP allow-list, region.
    Credentials,
    /// Sign name, template or template parameters not approved or not matching.
    SignOrTemplate,
    /// The destination number is malformed, blocked or unsupported.
    Destination,
    /// Tencent's per-number frequency control.
    PerNumberRate,
    /// Account-wide daily quota, balance or arrears.
    AccountQuota,
    /// API request rate; safe to retry because the request was refused, not delivered.
    ApiRate,
    /// The local clock is off; re-signing with the server's time can fix it.
    ClockSkew,
    /// Server-side trouble, or a code this connector does not know.
    Transient,
}

/// The config key a fix is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FixKey {
    TopLevel(&'static str),
    /// A field of the template that was sent; the top-level key when no template was involved
    /// (a usage query).
    Template(&'static str),
    /// The template's own `signName` if it has one, else the top-level `signName`.
    SignName,
}

/// One row: the class of the code, and the fix when the operator makes it in the config.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeEntry {
    pub(crate) class: TencentErrorClass,
    pub(crate) fix: Option<(FixKey, &'static str)>,
}

const KEY_UNKNOWN: &str = "Tencent does not know this SecretId: copy it again from the Tencent Cloud console (CAM > API keys), without surrounding spaces, and check that the key is enabled.";
const SECRET_WRONG: &str = "the SecretKey does not belong to this SecretId: copy the SecretKey of the same API key again (CAM > API keys).";
const KEY_NOT_ALLOWED: &str = "this API key may not send SMS: grant its CAM user the QcloudSMSFullAccess policy (or sms:SendSms and sms:SendStatusStatistics), or use another key.";
const KEY_IP_LIST: &str = "this API key only accepts calls from listed IP addresses: add this Logto server's public IP to the key's allow-list in CAM.";
const APP_IP_LIST: &str = "this SMS app only accepts calls from listed IP addresses: add this Logto server's public IP in the SMS console (application settings).";
const APP_WRONG: &str = "use the SdkAppId of an enabled SMS app in the same Tencent Cloud account as the API key (SMS console > Application management).";
const REGION_WRONG: &str = "use the region of your SMS app: ap-guangzhou on the China site, ap-singapore on the international site.";
const SIGN_WRONG: &str = "the sign name must be an approved sign of this SMS app, written exactly as approved (SMS console > Signatures).";
const TEMPLATE_WRONG: &str =
    "use the id of an approved template of this SMS app (SMS console > Body templates).";
const PLACEHOLDERS_WRONG: &str = "the template's placeholders do not match what is sent: a verification template needs exactly one placeholder, {1}, for the code.";
const PARAMETERS_REFUSED: &str = "the template's parameters are refused by its type: use a verification-code template whose placeholder takes the code.";
const TEMPLATE_UNSENDABLE: &str =
    "the template cannot be sent as it is: use an approved verification-code template.";
const MAINLAND_TO_GLOBAL: &str = "a mainland template went to a number outside mainland China: add an approved international template for this type or for Generic, with \"international\": true.";
const GLOBAL_TO_MAINLAND: &str = "an international template went to a mainland China number: add an approved mainland template (without \"international\": true) for this type or for Generic.";
const KEY_OR_APP_REFUSED: &str = "Tencent refused this API key or SMS app: check the key's CAM permissions and the SMS app in the Tencent Cloud console.";

use FixKey::{SignName, Template, TopLevel};
use TencentErrorClass::*;

const fn entry(class: TencentErrorClass, fix: Option<(FixKey, &'static str)>) -> CodeEntry {
    CodeEntry { class, fix }
}

/// Codes matched exactly.
const EXACT: &[(&str, CodeEntry)] = &[
    ("AuthFailure.SignatureExpire", entry(ClockSkew, None)),
    ("InternalError.RequestTimeException", entry(ClockSkew, None)),
    (
        "UnauthorizedOperation.ServiceSuspendDueToArrears",
        entry(AccountQuota, None),
    ),
    (
        "UnauthorizedOperation.SerivceSuspendDueToArrears",
        entry(AccountQuota, None),
    ),
    (
        "FailedOperation.InsufficientBalanceInSmsPackage",
        entry(AccountQuota, None),
    ),
    ("LimitExceeded.AppDailyLimit", entry(AccountQuota, None)),
    (
        "LimitExceeded.AppMainlandChinaDailyLimit",
        entry(AccountQuota, None),
    ),
    (
        "LimitExceeded.AppGlobalDailyLimit",
        entry(AccountQuota, None),
    ),
    (
        "LimitExceeded.AppCountryOrRegionDailyLimit",
        entry(AccountQuota, None),
    ),
    ("LimitExceeded.DailyLimit", entry(AccountQuota, None)),
    (
        "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), TEMPLATE_UNSENDABLE)),
        ),
    ),
    (
        "FailedOperation.SignatureIncorrectOrUnapproved",
        entry(SignOrTemplate, Some((SignName, SIGN_WRONG))),
    ),
    (
        "FailedOperation.TemplateIncorrectOrUnapproved",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), TEMPLATE_WRONG)),
        ),
    ),
    (
        "FailedOperation.TemplateUnapprovedOrNotExist",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), TEMPLATE_WRONG)),
        ),
    ),
    (
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), PLACEHOLDERS_WRONG)),
        ),
    ),
    (
        "FailedOperation.ContainSensitiveWord",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), TEMPLATE_UNSENDABLE)),
        ),
    ),
    (
        "FailedOperation.MarketingSendTimeConstraint",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), TEMPLATE_UNSENDABLE)),
        ),
    ),
    (
        "InvalidParameterValue.TemplateParameterFormatError",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), PARAMETERS_REFUSED)),
        ),
    ),
    (
        "InvalidParameterValue.TemplateParameterLengthLimit",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), PARAMETERS_REFUSED)),
        ),
    ),
    (
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), PARAMETERS_REFUSED)),
        ),
    ),
    (
        "InvalidParameterValue.ContentLengthLimit",
        entry(
            SignOrTemplate,
            Some((Template("templateCode"), TEMPLATE_UNSENDABLE)),
        ),
    ),
    (
        "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
        entry(
            SignOrTemplate,
            Some((Template("international"), MAINLAND_TO_GLOBAL)),
        ),
    ),
    (
        "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
        entry(
            SignOrTemplate,
            Some((Template("international"), GLOBAL_TO_MAINLAND)),
        ),
    ),
    (
        "InvalidParameterValue.IncorrectPhoneNumber",
        entry(Destination, None),
    ),
    (
        "FailedOperation.PhoneNumberParseFail",
        entry(Destination, None),
    ),
    (
        "FailedOperation.PhoneNumberInBlacklist",
        entry(Destination, None),
    ),
    (
        "UnsupportedOperation.UnsupportedRegion",
        entry(Destination, None),
    ),
    (
        "UnsupportedOperation.UnsuportedRegion",
        entry(Destination, None),
    ),
    (
        "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
        entry(Destination, None),
    ),
    (
        "LimitExceeded.AppCountryOrRegionInBlacklist",
        entry(Destination, None),
    ),
    (
        "LimitExceeded.GlobalSmsSendingRateLimit",
        entry(PerNumberRate, None),
    ),
    (
        "LimitExceeded.DeliveryFrequencyLimit",
        entry(PerNumberRate, None),
    ),
    (
        "InvalidParameterValue.SdkAppIdNotExist",
        entry(Credentials, Some((TopLevel("sdkAppId"), APP_WRONG))),
    ),
    (
        "AuthFailure.SecretIdNotFound",
        entry(Credentials, Some((TopLevel("accessKeyId"), KEY_UNKNOWN))),
    ),
    (
        "AuthFailure.InvalidSecretId",
        entry(Credentials, Some((TopLevel("accessKeyId"), KEY_UNKNOWN))),
    ),
    (
        "AuthFailure.SignatureFailure",
        entry(
            Credentials,
            Some((TopLevel("accessKeySecret"), SECRET_WRONG)),
        ),
    ),
    (
        "AuthFailure.TokenFailure",
        entry(
            Credentials,
            Some((TopLevel("accessKeyId"), KEY_NOT_ALLOWED)),
        ),
    ),
    (
        "AuthFailure.MFAFailure",
        entry(
            Credentials,
            Some((TopLevel("accessKeyId"), KEY_NOT_ALLOWED)),
        ),
    ),
    (
        "AuthFailure.UnauthorizedOperation",
        entry(
            Credentials,
            Some((TopLevel("accessKeyId"), KEY_NOT_ALLOWED)),
        ),
    ),
    (
        "UnauthorizedOperation",
        entry(
            Credentials,
            Some((TopLevel("accessKeyId"), KEY_NOT_ALLOWED)),
        ),
    ),
    (
        "UnauthorizedOperation.RequestPermissionDeny",
        entry(
            Credentials,
            Some((TopLevel("accessKeyId"), KEY_NOT_ALLOWED)),
        ),
    ),
    (
        "IpInBlacklist",
        entry(Credentials, Some((TopLevel("accessKeyId"), KEY_IP_LIST))),
    ),
    (
        "IpNotInWhitelist",
        entry(Credentials, Some((TopLevel("accessKeyId"), KEY_IP_LIST))),
    ),
    (
        "UnauthorizedOperation.RequestIpNotInWhitelist",
        entry(Credentials, Some((TopLevel("sdkAppId"), APP_IP_LIST))),
    ),
    (
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
        entry(Credentials, Some((TopLevel("sdkAppId"), APP_WRONG))),
    ),
    (
        "UnauthorizedOperation.SdkAppIdIsDisabled",
        entry(Credentials, Some((TopLevel("sdkAppId"), APP_WRONG))),
    ),
    (
        "UnsupportedRegion",
        entry(Credentials, Some((TopLevel("region"), REGION_WRONG))),
    ),
    ("RequestLimitExceeded", entry(ApiRate, None)),
];

/// Code prefixes, tried in order after the exact codes.
const PREFIXES: &[(&str, CodeEntry)] = &[
    ("LimitExceeded.PhoneNumber", entry(PerNumberRate, None)),
    ("RequestLimitExceeded.", entry(ApiRate, None)),
    (
        "UnauthorizedOperation.",
        entry(
            Credentials,
            Some((TopLevel("accessKeyId"), KEY_OR_APP_REFUSED)),
        ),
    ),
];

/// The refusal a request is signed again for, with the server's clock (its `Date` header).
const SIGNATURE_EXPIRED: &str = "AuthFailure.SignatureExpire";
/// Refusals of a template or a sign that Tencent's review of it explains.
const REVIEWED_TEMPLATE: [&str; 1] = ["FailedOperation.TemplateIncorrectOrUnapproved"];
const REVIEWED_SIGN: &str = "FailedOperation.SignatureIncorrectOrUnapproved";

/// What Tencent's review of which a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewed {
    /// The template that was sent.
    Template,
    /// The sign that was sent.
    Sign,
}

/// Whether `code` is the clock refusal a request is signed again for, with the server's time.
pub fn resigns_with_server_time(code: &str) -> bool {
    code == SIGNATURE_EXPIRED
}

/// Whether `code` refuses the keys themselves (unknown, wrong or revoked), as opposed to what
/// they may do: temporary keys refused so are worth fetching again once.
pub fn refuses_the_keys(code: &str) -> bool {
    code.starts_with("AuthFailure.")
        && !resigns_with_server_time(code)
        && lookup(code).is_some_and(|entry| entry.class == Credentials)
}

/// Whose review explains `code`, when a template's or a sign's does.
pub fn reviewed_by(code: &str) -> Option<Reviewed> {
    if REVIEWED_TEMPLATE.contains(&code) {
        return Some(Reviewed::Template);
    }
    (code == REVIEWED_SIGN).then_some(Reviewed::Sign)
}

/// The row for `code`; `None` for a code this connector does not know (transient).
pub(crate) fn lookup(code: &str) -> Option<&'static CodeEntry> {
    EXACT
        .iter()
        .find(|(known, _)| *known == code)
        .or_else(|| PREFIXES.iter().find(|(prefix, _)| code.starts_with(prefix)))
        .map(|(_, entry)| entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_config_problem_names_its_fix_and_nothing_else_does() {
        for (code, entry) in EXACT.iter().chain(PREFIXES) {
            let about_the_config = matches!(entry.class, Credentials | SignOrTemplate);
            assert_eq!(entry.fix.is_some(), about_the_config, "{code}");
        }
    }

    #[test]
    fn the_codes_that_drive_a_retry_or_a_review_are_in_the_table() {
        assert!(resigns_with_server_time("AuthFailure.SignatureExpire"));
        assert_eq!(lookup(SIGNATURE_EXPIRED).unwrap().class, ClockSkew);
        assert!(refuses_the_keys("AuthFailure.SecretIdNotFound"));
        assert!(!refuses_the_keys("AuthFailure.SignatureExpire"));
        assert!(!refuses_the_keys(
            "UnauthorizedOperation.SmsSdkAppIdVerifyFail"
        ));
        for code in REVIEWED_TEMPLATE.iter().chain([&REVIEWED_SIGN]) {
            assert_eq!(lookup(code).unwrap().class, SignOrTemplate, "{code}");
        }
        assert_eq!(reviewed_by(REVIEWED_SIGN), Some(Reviewed::Sign));
        assert_eq!(reviewed_by("LimitExceeded.AppDailyLimit"), None);
    }

    #[test]
    fn exact_codes_win_over_prefixes() {
        let arrears = lookup("UnauthorizedOperation.ServiceSuspendDueToArrears").unwrap();
        assert_eq!(arrears.class, AccountQuota);
        let unknown = lookup("UnauthorizedOperation.SomethingNew").unwrap();
        assert_eq!(unknown.class, Credentials);
        assert!(lookup("InternalError.Timeout").is_none());
    }
}
