//! Which Tencent template a Logto message type is sent with.
//!
//! Tencent refuses a mainland template sent to a number outside mainland China and the reverse
//! (`UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone` and its twin), so the
//! destination's region outranks the message type: a `Generic` template of the right region is
//! better than a `SignIn` template Tencent will refuse. Logto also sends more message types
//! (MFA, BindMfa, …) than an operator may have configured, hence the `Generic` fallback, as the
//! other Logto SMS connectors do since connector-kit 4.7.

/// The usage types the official guard requires; kept so saved configs stay valid.
pub(crate) const REQUIRED_USAGE_TYPES: [&str; 4] =
    ["Register", "SignIn", "ForgotPassword", "Generic"];

/// The admin console's default value for an unset template code.
pub(crate) const TEMPLATE_CODE_PLACEHOLDER: &str = "<template-code>";

use crate::remedy::SentTemplate;

const GENERIC: &str = "Generic";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Where the template stands in the config's `templates` array, so an error can point the
    /// operator at `templates.<index>`.
    pub index: usize,
    pub usage_type: String,
    pub template_code: String,
    /// An international (non-mainland) template.
    pub international: bool,
    /// Overrides the global `signName` for this template.
    pub sign_name: Option<String>,
}

impl Template {
    /// What an error message needs to know about this template once it was sent.
    pub fn sent(&self) -> SentTemplate {
        SentTemplate {
            index: self.index,
            own_sign_name: self.sign_name.is_some(),
        }
    }

    fn is_configured(&self) -> bool {
        self.template_code != TEMPLATE_CODE_PLACEHOLDER
    }
}

/// Picks, in order: the exact usage type in the destination's region; `Generic` in that region;
/// then the same two in the other region. The last two steps keep configs that mark nothing
/// `international` working for every destination, as with the official connector.
pub(crate) fn select_template<'a>(
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
        .or_else(|| find(GENERIC, international_destination))
        .or_else(|| find(usage_type, !international_destination))
        .or_else(|| find(GENERIC, !international_destination))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(usage: &str, code: &str, international: bool) -> Template {
        Template {
            index: 0,
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
    fn the_destination_region_outranks_the_usage_type() {
        // The README's example: mainland templates per type, one international Generic.
        let all = [
            t("SignIn", "1110", false),
            t("Register", "1110", false),
            t("Generic", "1112", false),
            t("Generic", "2220", true),
        ];
        for usage in ["SignIn", "Register", "BindMfa"] {
            assert_eq!(
                select_template(&all, usage, true).unwrap().template_code,
                "2220",
                "{usage} to an international number"
            );
        }
        assert_eq!(
            select_template(&all, "SignIn", false)
                .unwrap()
                .template_code,
            "1110"
        );
        let international_only = [t("SignIn", "2001", true), t("Generic", "1112", false)];
        assert_eq!(
            select_template(&international_only, "SignIn", false)
                .unwrap()
                .template_code,
            "1112",
            "a mainland Generic beats an international SignIn for a mainland number"
        );
    }

    #[test]
    fn nothing_when_neither_type_nor_generic_exists() {
        assert!(select_template(&[t("SignIn", "1", false)], "Register", false).is_none());
    }
}
