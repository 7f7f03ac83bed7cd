//! Tencent error codes → Logto `ConnectorErrorCodes`.
//!
//! Logto turns the code into the HTTP status the user sees (429 for rate limits, 400 for
//! config problems), so the class decides whether an operator, the user, or nobody can fix it.

use crate::failure::ErrorCode;

/// What a Tencent error code means for the operator: the classes the codes fall into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TencentErrorClass {
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

impl TencentErrorClass {
    pub(crate) fn error_code(self) -> ErrorCode {
        match self {
            Self::Credentials | Self::SignOrTemplate => ErrorCode::InvalidConfig,
            Self::Destination => ErrorCode::InvalidRequestParameters,
            Self::PerNumberRate | Self::ApiRate => ErrorCode::RateLimitExceeded,
            Self::AccountQuota => ErrorCode::UsageLimitExceeded,
            Self::ClockSkew | Self::Transient => ErrorCode::General,
        }
    }
}

/// Classifies a Tencent `Error.Code` or `SendStatusSet[].Code`.
pub(crate) fn classify_tencent_code(code: &str) -> TencentErrorClass {
    use TencentErrorClass::*;
    match code {
        "AuthFailure.SignatureExpire" | "InternalError.RequestTimeException" => ClockSkew,
        "UnauthorizedOperation.ServiceSuspendDueToArrears"
        | "UnauthorizedOperation.SerivceSuspendDueToArrears"
        | "FailedOperation.InsufficientBalanceInSmsPackage"
        | "LimitExceeded.AppDailyLimit"
        | "LimitExceeded.AppMainlandChinaDailyLimit"
        | "LimitExceeded.AppGlobalDailyLimit"
        | "LimitExceeded.AppCountryOrRegionDailyLimit"
        | "LimitExceeded.DailyLimit" => AccountQuota,
        "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny"
        | "FailedOperation.SignatureIncorrectOrUnapproved"
        | "FailedOperation.TemplateIncorrectOrUnapproved"
        | "FailedOperation.TemplateUnapprovedOrNotExist"
        | "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"
        | "FailedOperation.ContainSensitiveWord"
        | "FailedOperation.MarketingSendTimeConstraint"
        | "InvalidParameterValue.TemplateParameterFormatError"
        | "InvalidParameterValue.TemplateParameterLengthLimit"
        | "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter"
        | "InvalidParameterValue.ContentLengthLimit"
        | "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone"
        | "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone" => SignOrTemplate,
        "InvalidParameterValue.IncorrectPhoneNumber"
        | "FailedOperation.PhoneNumberParseFail"
        | "FailedOperation.PhoneNumberInBlacklist"
        | "UnsupportedOperation.UnsupportedRegion"
        | "UnsupportedOperation.UnsuportedRegion"
        | "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber"
        | "LimitExceeded.AppCountryOrRegionInBlacklist" => Destination,
        "LimitExceeded.GlobalSmsSendingRateLimit" => PerNumberRate,
        "InvalidParameterValue.SdkAppIdNotExist"
        | "AuthFailure.SecretIdNotFound"
        | "AuthFailure.InvalidSecretId"
        | "AuthFailure.SignatureFailure"
        | "AuthFailure.TokenFailure"
        | "AuthFailure.MFAFailure"
        | "AuthFailure.UnauthorizedOperation"
        | "UnsupportedRegion"
        | "IpInBlacklist"
        | "IpNotInWhitelist" => Credentials,
        _ if code.starts_with("LimitExceeded.PhoneNumber")
            || code == "LimitExceeded.DeliveryFrequencyLimit" =>
        {
            PerNumberRate
        }
        _ if code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.") => ApiRate,
        _ if code == "UnauthorizedOperation" || code.starts_with("UnauthorizedOperation.") => {
            Credentials
        }
        _ => Transient,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Tencent code of the error table in docs/configuration.md (`docs/tables/tencent-errors.json`, the
    /// one source the README and the JS tests read too) maps to the row's Logto code.
    #[test]
    fn the_documented_table_holds() {
        let table: serde_json::Value =
            serde_json::from_str(include_str!("../../../docs/tables/tencent-errors.json"))
                .expect("the error table is JSON");
        let mut checked = 0;
        for row in table["rows"].as_array().expect("rows") {
            let expected = row["logtoCode"].as_str().expect("logtoCode");
            for code in row["tencentCodes"].as_array().expect("tencentCodes") {
                let code = code.as_str().expect("a code");
                let got = classify_tencent_code(code).error_code().as_str();
                assert_eq!(got, expected, "{code}");
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} codes");
    }
}
