//! Which Tencent template a Logto message type is sent with.
//!
//! Tencent keeps mainland and international templates apart, and Logto sends more message
//! types (MFA, BindMfa, …) than an operator may have configured, so selection prefers a
//! template matching the destination and falls back to `Generic`, the way the other Logto
//! SMS connectors do since connector-kit 4.7.

/// The usage types the official guard requires; kept so saved configs stay valid.
pub const REQUIRED_USAGE_TYPES: [&str; 4] = ["Register", "SignIn", "ForgotPassword", "Generic"];

/// The admin console's default value for an unset template code.
pub const TEMPLATE_CODE_PLACEHOLDER: &str = "<template-code>";

const GENERIC: &str = "Generic";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub usage_type: String,
    pub template_code: String,
    /// An international (non-mainland) template.
    pub international: bool,
    /// Overrides the global `signName` for this template.
    pub sign_name: Option<String>,
}

impl Template {
    fn is_configured(&self) -> bool {
        self.template_code != TEMPLATE_CODE_PLACEHOLDER
    }
}

/// Picks, in order: the exact usage type whose `international` flag matches the destination;
/// the exact usage type with the other flag (the official behaviour); the same two for `Generic`.
pub fn select_template<'a>(
    templates: &'a [Template],
    usage_type: &str,
    international_destination: bool,
) -> Option<&'a Template> {
    let find = |usage: &str, international: bool| {
        templates.iter().find(|t| {
            t.is_configured() && t.usage_type == usage && t.international == international
        })
    };
    find(usage_type, international_destination)
        .or_else(|| find(usage_type, !international_destination))
        .or_else(|| find(GENERIC, international_destination))
        .or_else(|| find(GENERIC, !international_destination))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(usage: &str, code: &str, international: bool) -> Template {
        Template {
            usage_type: usage.into(),
            template_code: code.into(),
            international,
            sign_name: None,
        }
    }

    #[test]
    fn prefers_the_template_matching_the_destination() {
        let all = [t("SignIn", "1", false), t("SignIn", "2", true)];
        assert_eq!(
            select_template(&all, "SignIn", false)
                .unwrap()
                .template_code,
            "1"
        );
        assert_eq!(
            select_template(&all, "SignIn", true).unwrap().template_code,
            "2"
        );
    }

    #[test]
    fn falls_back_to_the_other_flag_like_the_official_connector() {
        let all = [t("SignIn", "1", false)];
        assert_eq!(
            select_template(&all, "SignIn", true).unwrap().template_code,
            "1"
        );
    }

    #[test]
    fn falls_back_to_generic_for_unconfigured_types() {
        let all = [
            t("SignIn", "1", false),
            t("Generic", "9", false),
            t("Generic", "8", true),
        ];
        assert_eq!(
            select_template(&all, "MfaVerification", false)
                .unwrap()
                .template_code,
            "9"
        );
        assert_eq!(
            select_template(&all, "BindMfa", true)
                .unwrap()
                .template_code,
            "8"
        );
    }

    #[test]
    fn placeholder_rows_count_as_missing() {
        let all = [
            t("BindMfa", TEMPLATE_CODE_PLACEHOLDER, false),
            t("Generic", "9", false),
        ];
        assert_eq!(
            select_template(&all, "BindMfa", false)
                .unwrap()
                .template_code,
            "9"
        );
        assert!(select_template(
            &[t("Generic", TEMPLATE_CODE_PLACEHOLDER, false)],
            "SignIn",
            false
        )
        .is_none());
    }

    #[test]
    fn nothing_when_neither_type_nor_generic_exists() {
        assert!(select_template(&[t("SignIn", "1", false)], "Register", false).is_none());
    }
}
