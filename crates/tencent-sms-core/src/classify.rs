//! Tencent error codes → Logto `ConnectorErrorCodes`.
//!
//! Logto turns the code into the HTTP status the user sees (429 for rate limits, 400 for
//! config problems), so the class decides whether an operator, the user, or nobody can fix it.

use crate::error_code::ErrorCode;
pub use crate::tencent_codes::TencentErrorClass;

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

/// Classifies a Tencent `Error.Code` or `SendStatusSet[].Code` by the one code table; a code
/// it does not know is transient.
pub fn classify_tencent_code(code: &str) -> TencentErrorClass {
    crate::tencent_codes::lookup(code).map_or(TencentErrorClass::Transient, |entry| entry.class)
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
