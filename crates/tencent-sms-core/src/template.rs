//! Which Tencent template a Logto message type is sent with.
//!
//! Tencent refuses a mainland template sent to a number outside mainland China and the reverse
//! (`UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone` and its twin), so the
//! destination's region outranks the message type: a `Generic` template of the right region is
//! better than a `SignIn` template Tencent will refuse. Logto also sends more message types
//! (MFA, BindMfa, …) than an operator may have configured, hence the `Generic` fallback, as the
//! other Logto SMS connectors do since connector-kit 4.7. Within each of those steps a
//! template in the user's language wins (`locale`), and a template may send more than the code
//! (`params`).

/// Every message type Logto core passes to an SMS connector (connector-kit's `TemplateType`), in
/// the kit's order, which the console form's default templates follow. The one list: the JS
/// tests check it against the kit's own export.
pub const LOGTO_MESSAGE_TYPES: [&str; 9] = [
    "SignIn",
    "Register",
    "ForgotPassword",
    "OrganizationInvitation",
    "Generic",
    "UserPermissionValidation",
    "BindNewIdentifier",
    "MfaVerification",
    "BindMfa",
];

/// The usage types the official guard requires; kept so saved configs stay valid.
pub const REQUIRED_USAGE_TYPES: [&str; 4] = ["Register", "SignIn", "ForgotPassword", "Generic"];

/// The message types a config may name besides the required ones.
pub fn optional_usage_types() -> impl Iterator<Item = &'static str> {
    LOGTO_MESSAGE_TYPES
        .into_iter()
        .filter(|name| !REQUIRED_USAGE_TYPES.contains(name))
}

/// The admin console's default value for an unset template code.
pub const TEMPLATE_CODE_PLACEHOLDER: &str = "<template-code>";

use crate::locale::match_score;
use crate::remedy::SentTemplate;

const GENERIC: &str = "Generic";

/// What `params` writes for the verification code.
pub(crate) const CODE_PARAM: &str = "{code}";

/// One entry of the config's `templates`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Where the template stands in the config's `templates` array, so an error can point the
    /// operator at `templates.<index>`.
    pub index: usize,
    /// Logto's message type, e.g. `SignIn`, or `Generic` for every type without its own.
    pub usage_type: String,
    /// Tencent's template ID.
    pub template_code: String,
    /// An international (non-mainland) template.
    pub international: bool,
    /// Overrides the global `signName` for this template.
    pub sign_name: Option<String>,
    /// The language it is written in (a BCP 47 tag such as `en`, `zh-CN`).
    pub locale: Option<String>,
    /// `{1}`, `{2}`, … in order: [`CODE_PARAM`] for the code, anything else as written.
    /// `None` sends the code alone.
    pub params: Option<Vec<String>>,
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

    /// `TemplateParamSet` for `code`: `params` with the code filled in, or the code alone (or
    /// nothing without one). `None` when `params` needs a code and there is none.
    pub(crate) fn param_set(&self, code: Option<&str>) -> Option<Vec<String>> {
        let Some(params) = &self.params else {
            return Some(code.map(str::to_owned).into_iter().collect());
        };
        params
            .iter()
            .map(|param| match param.as_str() {
                CODE_PARAM => code.map(str::to_owned),
                literal => Some(literal.to_owned()),
            })
            .collect()
    }
}

/// What a message needs of its template.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// Logto's message type.
    pub usage_type: &'a str,
    /// The destination is outside mainland China.
    pub international: bool,
    /// The user's language, as Logto resolved it.
    pub locale: Option<&'a str>,
    /// Each region has its own site (`internationalSite`), so a template of the other region
    /// belongs to another account and is never used.
    pub separate_sites: bool,
}

/// Picks, in order: the exact usage type in the destination's region; `Generic` in that region;
/// then the same two in the other region (unless each region has its own site). The steps to
/// the other region keep configs that mark nothing `international` working for every
/// destination, as with the official connector. Within a step, [`by_locale`] chooses.
pub fn select_template<'a>(templates: &'a [Template], wanted: &Wanted<'_>) -> Option<&'a Template> {
    let own_region = [wanted.international];
    let both_regions = [wanted.international, !wanted.international];
    let regions: &[bool] = if wanted.separate_sites {
        &own_region
    } else {
        &both_regions
    };
    regions.iter().find_map(|&international| {
        [wanted.usage_type, GENERIC].into_iter().find_map(|usage| {
            let candidates: Vec<&Template> = templates
                .iter()
                .filter(|t| {
                    t.is_configured() && t.usage_type == usage && t.international == international
                })
                .collect();
            by_locale(&candidates, wanted.locale)
        })
    })
}

/// Among templates of one step: the one whose `locale` suits the user's language best
/// ([`match_score`]: the same tag, then the same script and region, in any spelling BCP 47
/// allows), the first listed among equals; then one without `locale`; then the first.
fn by_locale<'a>(candidates: &[&'a Template], locale: Option<&str>) -> Option<&'a Template> {
    let best_for_language = locale.and_then(|wanted| {
        let mut best: Option<(u8, &'a Template)> = None;
        for &template in candidates {
            let score = template
                .locale
                .as_deref()
                .and_then(|own| match_score(wanted, own));
            if let Some(score) = score.filter(|s| best.is_none_or(|(top, _)| *s > top)) {
                best = Some((score, template));
            }
        }
        best.map(|(_, template)| template)
    });
    best_for_language
        .or_else(|| candidates.iter().find(|t| t.locale.is_none()).copied())
        .or_else(|| candidates.first().copied())
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
            locale: None,
            params: None,
        }
    }

    /// The selection without a locale and with one site, as every config before locales.
    fn pick<'a>(
        all: &'a [Template],
        usage_type: &str,
        international: bool,
    ) -> Option<&'a Template> {
        select_template(
            all,
            &Wanted {
                usage_type,
                international,
                locale: None,
                separate_sites: false,
            },
        )
    }

    fn in_locale(usage: &str, code: &str, locale: Option<&str>) -> Template {
        Template {
            locale: locale.map(str::to_owned),
            ..t(usage, code, false)
        }
    }

    fn pick_for(all: &[Template], locale: &str) -> String {
        let wanted = Wanted {
            usage_type: "SignIn",
            international: false,
            locale: Some(locale),
            separate_sites: false,
        };
        select_template(all, &wanted).unwrap().template_code.clone()
    }

    #[test]
    fn the_users_language_wins_within_a_step() {
        let all = [
            in_locale("SignIn", "plain", None),
            in_locale("SignIn", "en", Some("en")),
            in_locale("SignIn", "zh-CN", Some("zh-CN")),
            in_locale("SignIn", "zh-TW", Some("zh-TW")),
        ];
        assert_eq!(pick_for(&all, "zh-TW"), "zh-TW", "exact");
        assert_eq!(pick_for(&all, "ZH-cn"), "zh-CN", "exact, any case");
        assert_eq!(pick_for(&all, "en-US"), "en", "same language");
        assert_eq!(
            pick_for(&all, "zh"),
            "zh-CN",
            "same language, the other way"
        );
        assert_eq!(pick_for(&all, "fr"), "plain", "then one without locale");
        assert_eq!(pick_for(&all, "zh-Hant-HK"), "zh-TW", "the same script");
        assert_eq!(pick_for(&all[1..], "fr"), "en", "then the first");
    }

    /// The language table of the guide's templates page (`docs/guide/templates.md`), row by row.
    #[test]
    fn the_guides_language_table_is_what_the_selection_does() {
        let guide = include_str!("../../../docs/guide/templates.md");
        let table = guide
            .split("<!-- locale-table -->")
            .nth(1)
            .and_then(|rest| rest.split("<!-- /locale-table -->").next())
            .expect("the guide has the language table");
        let mut rows = 0;
        for row in table.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<Vec<&str>> = row
                .split('|')
                .map(|cell| cell.split('`').skip(1).step_by(2).collect())
                .filter(|cell: &Vec<&str>| !cell.is_empty())
                .collect();
            let [wanted, listed, chosen] = &cells[..] else {
                panic!("a row of three cells: {row}");
            };
            let all: Vec<Template> = listed
                .iter()
                .map(|locale| in_locale("SignIn", locale, Some(locale)))
                .collect();
            assert_eq!(pick_for(&all, wanted[0]), chosen[0], "{row}");
            rows += 1;
        }
        assert!(rows >= 8, "the table has its rows");
    }

    #[test]
    fn the_locale_never_outranks_the_usage_type_or_the_region() {
        let all = [
            in_locale("Generic", "generic-fr", Some("fr")),
            in_locale("SignIn", "sign-in", None),
        ];
        assert_eq!(pick_for(&all, "fr"), "sign-in");
    }

    #[test]
    fn separate_sites_never_cross_regions() {
        let all = [t("SignIn", "mainland", false)];
        let wanted = Wanted {
            usage_type: "SignIn",
            international: true,
            locale: None,
            separate_sites: true,
        };
        assert_eq!(select_template(&all, &wanted), None);
        assert_eq!(
            pick(&all, "SignIn", true).unwrap().template_code,
            "mainland"
        );
    }

    #[test]
    fn params_fill_in_the_code_and_send_the_rest_as_written() {
        let mut template = t("SignIn", "1", false);
        assert_eq!(
            template.param_set(Some("123456")),
            Some(vec!["123456".into()])
        );
        assert_eq!(template.param_set(None), Some(vec![]));
        template.params = Some(vec!["{code}".into(), "10".into()]);
        assert_eq!(
            template.param_set(Some("123456")),
            Some(vec!["123456".into(), "10".into()])
        );
        assert_eq!(template.param_set(None), None, "params need the code");
    }

    #[test]
    fn prefers_the_template_matching_the_destination() {
        let all = [t("SignIn", "1", false), t("SignIn", "2", true)];
        assert_eq!(pick(&all, "SignIn", false).unwrap().template_code, "1");
        assert_eq!(pick(&all, "SignIn", true).unwrap().template_code, "2");
    }

    #[test]
    fn falls_back_to_the_other_flag_like_the_official_connector() {
        let all = [t("SignIn", "1", false)];
        assert_eq!(pick(&all, "SignIn", true).unwrap().template_code, "1");
    }

    #[test]
    fn falls_back_to_generic_for_unconfigured_types() {
        let all = [
            t("SignIn", "1", false),
            t("Generic", "9", false),
            t("Generic", "8", true),
        ];
        assert_eq!(
            pick(&all, "MfaVerification", false).unwrap().template_code,
            "9"
        );
        assert_eq!(pick(&all, "BindMfa", true).unwrap().template_code, "8");
    }

    #[test]
    fn placeholder_rows_count_as_missing() {
        let all = [
            t("BindMfa", TEMPLATE_CODE_PLACEHOLDER, false),
            t("Generic", "9", false),
        ];
        assert_eq!(pick(&all, "BindMfa", false).unwrap().template_code, "9");
        assert!(pick(
            &[t("Generic", TEMPLATE_CODE_PLACEHOLDER, false)],
            "SignIn",
            false
        )
        .is_none());
    }

    #[test]
    fn the_destination_region_outranks_the_usage_type() {
        // The documented example (docs/configuration.md): mainland templates per type, one international Generic.
        let all = [
            t("SignIn", "1110", false),
            t("Register", "1110", false),
            t("Generic", "1112", false),
            t("Generic", "2220", true),
        ];
        for usage in ["SignIn", "Register", "BindMfa"] {
            assert_eq!(
                pick(&all, usage, true).unwrap().template_code,
                "2220",
                "{usage} to an international number"
            );
        }
        assert_eq!(pick(&all, "SignIn", false).unwrap().template_code, "1110");
        let international_only = [t("SignIn", "2001", true), t("Generic", "1112", false)];
        assert_eq!(
            pick(&international_only, "SignIn", false)
                .unwrap()
                .template_code,
            "1112",
            "a mainland Generic beats an international SignIn for a mainland number"
        );
    }

    #[test]
    fn nothing_when_neither_type_nor_generic_exists() {
        assert!(pick(&[t("SignIn", "1", false)], "Register", false).is_none());
    }
}
