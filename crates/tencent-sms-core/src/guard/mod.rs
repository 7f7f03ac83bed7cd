//! The SMS abuse and cost guard: which numbers may get a code (countries, number types), and
//! how many sends an IP, a number range or all international numbers may get (fixed windows,
//! in fixed windows). Off unless the config has `guard`; a refused send costs nothing, because
//! it never reaches Tencent. The rules and what a send counts against are decided here; the
//! counting itself (in the process, or shared through Redis) is the runtime's.

mod config;
mod counted;
mod ip;
mod number_type;
mod rules;

pub(crate) use config::read_guard;
pub use config::{GuardConfig, Limit};
pub use counted::{CountedRule, Hit, Window};
pub use number_type::NumberType;

use crate::failure::{ConnectorFailure, ErrorCode};
use crate::phone::E164;
use rules::{check_number, Destination, NumberRefusal};

/// The country of `to` (ISO 3166-1 alpha-2) from libphonenumber's numbering plans, as the
/// guard's country rules read it.
pub fn country_of(to: &E164) -> Option<String> {
    Destination::of(to).country
}

/// For a person typing a number (the command line, not Logto, whose numbers always carry
/// their country code): the mainland China mobile `digits` probably meant, when as typed they
/// are no valid number anywhere (`13711112222` reads as +1 371…, which no plan has) and with
/// 86 in front they are a mainland mobile.
pub fn mainland_number_meant(digits: &str) -> Option<E164> {
    let as_typed = crate::phone::normalize_e164(digits).ok()?;
    if Destination::of(&as_typed).valid {
        return None;
    }
    let meant =
        crate::phone::normalize_e164(&format!("86{}", digits.trim_start_matches('+'))).ok()?;
    let destination = Destination::of(&meant);
    let mobile = matches!(
        destination.kind,
        NumberType::Mobile | NumberType::FixedLineOrMobile
    );
    (destination.valid && mobile).then_some(meant)
}

/// Beijing is UTC+8 all year: Tencent's billing day and hours, and the guard's day.
pub const BEIJING_OFFSET_SECONDS: i64 = 8 * 3_600;
const DAY_SECONDS: u64 = 86_400;

/// What is being sent, as the guard needs it.
#[derive(Debug, Clone, Copy)]
pub struct GuardedSend<'a> {
    /// Namespaces the counters: the connector's SMS app (the top-level `sdkAppId`), the same
    /// for both sites, so that a limit on an IP is one limit whichever site a number uses.
    pub account: &'a str,
    /// The destination.
    pub to: &'a E164,
    /// The end user's IP, as Logto passes it (`data.ip`).
    pub ip: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
    /// Logto's message type, when it is one of Logto's (its own rules in `guard.byType`).
    pub message_type: Option<&'static str>,
}

impl GuardedSend<'_> {
    /// The same send, of Logto message type `usage_type`.
    pub fn of_type(self, usage_type: &str) -> Self {
        let message_type = crate::template::LOGTO_MESSAGE_TYPES
            .into_iter()
            .find(|known| *known == usage_type);
        Self {
            message_type,
            ..self
        }
    }
}

/// What the guard made of a send.
#[derive(Debug)]
#[non_exhaustive]
pub enum GuardDecision {
    /// Every rule lets it through.
    Admitted,
    /// The number is in `guard.exempt`: no rule applies.
    Exempt,
    /// A rule refuses it: nothing is sent.
    Refused {
        /// The rule's config key, e.g. `guard.perIp`.
        rule: String,
        /// The error the send fails with.
        failure: ConnectorFailure,
    },
    /// `guard.mode` is `monitor`: a rule would refuse it, and it is sent anyway.
    WouldRefuse {
        /// The rule's config key.
        rule: String,
    },
}

impl GuardDecision {
    /// How the send log names it: `admitted`, `exempt`, `refused by guard.perIp`, `monitor:
    /// guard.perIp would refuse`.
    pub fn describe(&self) -> String {
        match self {
            Self::Admitted => "admitted".to_owned(),
            Self::Exempt => "exempt".to_owned(),
            Self::Refused { rule, .. } => format!("refused by {rule}"),
            Self::WouldRefuse { rule } => format!("monitor: {rule} would refuse"),
        }
    }
}

/// A rule's refusal: its config key, and the error the send fails with.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The rule's config key, e.g. `guard.perIp` or `guard.byType.Register.perIp`.
    pub rule: String,
    /// The error the send fails with.
    pub failure: ConnectorFailure,
}

impl GuardDecision {
    /// The decision once the rules have spoken: exempt numbers first, then `guard.mode:
    /// "monitor"` turning a refusal into a note.
    pub fn from_rules(config: &GuardConfig, judged: Result<(), Refusal>) -> Self {
        match judged {
            Ok(()) => Self::Admitted,
            Err(Refusal { rule, .. }) if config.monitor => Self::WouldRefuse { rule },
            Err(Refusal { rule, failure }) => Self::Refused { rule, failure },
        }
    }
}

/// What the rules that need no counting say of a send (countries and number types), and what
/// it must then be counted against: the top-level rules, then those of its message type
/// (`guard.byType`), which only narrow. The number rules come first, so a refused number uses
/// up no limit; no counters at all when the guard counts nothing.
pub fn plan(config: &GuardConfig, send: GuardedSend<'_>) -> Result<Vec<Hit>, Refusal> {
    let narrowed = send
        .message_type
        .and_then(|message_type| Some((message_type, config.rules_of_type(message_type)?)));
    // Parsing with the numbering plans is most of a decision's cost: only when needed.
    let checks_numbers =
        config.checks_numbers() || narrowed.is_some_and(|(_, rules)| rules.checks_numbers());
    if checks_numbers {
        let destination = Destination::of(send.to);
        let scopes = std::iter::once((None, config))
            .chain(narrowed.map(|(message_type, rules)| (Some(message_type), rules)));
        for (scope, rules) in scopes {
            check_number(rules, &destination).map_err(|refusal| Refusal {
                rule: rule_key(scope, refusal.rule()),
                failure: number_refused(scope, refusal),
            })?;
        }
    }
    let mut hits = Vec::new();
    if config.counts() {
        hits.extend(counted_rules(config, None, send));
    }
    if let Some((message_type, rules)) = narrowed.filter(|(_, rules)| rules.counts()) {
        hits.extend(counted_rules(rules, Some(message_type), send));
    }
    Ok(hits)
}

/// A top-level rule's key (`guard.perIp`), or the same rule of a message type's
/// (`guard.byType.Register.perIp`).
fn rule_key(scope: Option<&str>, rule: &str) -> String {
    match scope {
        Some(message_type) => rule.replacen("guard", &format!("guard.byType.{message_type}"), 1),
        None => rule.to_owned(),
    }
}

/// Each counted rule of `config` that applies, in the order they are checked: the counter it
/// increments and its limit. A message type's counters (`scope`) are its own.
fn counted_rules(
    config: &GuardConfig,
    scope: Option<&'static str>,
    send: GuardedSend<'_>,
) -> Vec<Hit> {
    // Borrowed for the top-level rules: no copy on every guarded send.
    let account: std::borrow::Cow<'_, str> = match scope {
        Some(message_type) => format!("{}:{message_type}", send.account).into(),
        None => send.account.into(),
    };
    let mut rules = Vec::new();
    if let (Some(limit), Some(ip)) = (config.per_ip, send.ip.filter(|ip| !ip.is_empty())) {
        let client = ip::client_key(ip, config.ipv6_prefix());
        rules.push(Hit {
            rule: CountedRule::PerIp,
            scope,
            key: format!("{account}:ip:{client}"),
            window: Window::containing(send.now, limit.window_seconds, 0),
            max: limit.max,
        });
    }
    if let Some((limit, digits)) = config.per_prefix {
        let number = send.to.as_str();
        let prefix = &number[..number.len().saturating_sub(digits as usize).max(1)];
        rules.push(Hit {
            rule: CountedRule::PerPrefix,
            scope,
            key: format!("{account}:prefix:{digits}:{prefix}"),
            window: Window::containing(send.now, limit.window_seconds, 0),
            max: limit.max,
        });
    }
    if let Some(max) = config
        .international_daily_limit
        .filter(|_| !send.to.is_mainland_china())
    {
        rules.push(Hit {
            rule: CountedRule::InternationalDaily,
            scope,
            key: format!("{account}:international"),
            window: Window::containing(send.now, DAY_SECONDS, BEIJING_OFFSET_SECONDS),
            max,
        });
    }
    rules
}

fn number_refused(scope: Option<&str>, refusal: NumberRefusal) -> ConnectorFailure {
    let key = rule_key(scope, refusal.rule());
    let why = match refusal {
        NumberRefusal::Invalid => "it is not a valid number for its country".to_owned(),
        NumberRefusal::CountryNotAllowed => format!("its country is not in {key}"),
        NumberRefusal::CountryBlocked => format!("its country is in {key}"),
        NumberRefusal::NumberType(kind) => {
            format!("its number type ({}) is not in {key}", kind.name())
        }
    };
    ConnectorFailure::new(
        ErrorCode::InvalidRequestParameters,
        format!("The SMS guard refused this number: {why}. Nothing was sent."),
    )
}

/// The refusal of a send that would take `hit`'s counter past its limit.
pub fn limit_reached(hit: &Hit) -> Refusal {
    let key = rule_key(hit.scope, hit.rule.config_key());
    let failure = ConnectorFailure::new(
        ErrorCode::RateLimitExceeded,
        format!(
            "The SMS guard refused this send: the {key} limit is reached for now. Nothing was sent."
        ),
    );
    Refusal { rule: key, failure }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_site() -> serde_json::Value {
        let mut config = crate::testing::two_sites_config();
        config.as_object_mut().unwrap().remove("internationalSite");
        config
    }

    fn guard(rules: serde_json::Value) -> GuardConfig {
        let mut config = one_site();
        config["guard"] = rules;
        crate::validate_config(&config, &Default::default())
            .unwrap()
            .guard
            .unwrap()
    }

    fn send<'a>(to: &'a E164, ip: Option<&'a str>, usage_type: &str) -> GuardedSend<'a> {
        GuardedSend {
            account: "1400000000",
            to,
            ip,
            now: 0,
            message_type: None,
        }
        .of_type(usage_type)
    }

    #[test]
    fn a_message_types_rules_narrow_the_top_level_ones() {
        let rules = guard(serde_json::json!({
            "allowedCountries": ["CN", "US"],
            "byType": { "Register": { "allowedCountries": ["CN"] } }
        }));
        let us = crate::phone::normalize_e164("16502530000").unwrap();
        assert!(plan(&rules, send(&us, None, "SignIn")).is_ok());
        let refused = plan(&rules, send(&us, None, "Register")).unwrap_err();
        assert_eq!(refused.rule, "guard.byType.Register.allowedCountries");
        assert!(
            refused
                .failure
                .to_string()
                .contains("guard.byType.Register.allowedCountries"),
            "{}",
            refused.failure
        );
        let gb = crate::phone::normalize_e164("447400123456").unwrap();
        let top = plan(&rules, send(&gb, None, "Register")).unwrap_err();
        assert_eq!(top.rule, "guard.allowedCountries", "the top level first");
    }

    #[test]
    fn a_message_types_limits_are_counted_apart() {
        let rules = guard(serde_json::json!({
            "perIp": { "max": 10, "windowSeconds": 60 },
            "byType": { "Register": { "perIp": { "max": 2, "windowSeconds": 60 } } }
        }));
        let cn = crate::phone::normalize_e164("8613711112222").unwrap();
        let ip = Some("203.0.113.9");
        let sign_in = plan(&rules, send(&cn, ip, "SignIn")).unwrap();
        assert_eq!(sign_in.len(), 1);
        let register = plan(&rules, send(&cn, ip, "Register")).unwrap();
        let keys: Vec<(&str, Option<&str>, u64)> = register
            .iter()
            .map(|hit| (hit.key.as_str(), hit.scope, hit.max))
            .collect();
        assert_eq!(
            keys,
            [
                ("1400000000:ip:203.0.113.9", None, 10),
                ("1400000000:Register:ip:203.0.113.9", Some("Register"), 2)
            ]
        );
        assert_eq!(
            limit_reached(&register[1]).rule,
            "guard.byType.Register.perIp"
        );
    }

    #[test]
    fn by_type_takes_logtos_message_types_and_their_rules_only() {
        let mut config = one_site();
        config["guard"] = serde_json::json!({ "byType": {
            "Signup": { "allowedCountries": ["CN"] },
            "Register": { "redisUrl": "redis://x", "allowedCountries": ["Narnia"] }
        }});
        let issues = crate::validate_config(&config, &Default::default()).unwrap_err();
        let paths: Vec<String> = issues
            .iter()
            .map(|issue| serde_json::to_string(&issue.path).unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                r#"["guard","byType","Register","redisUrl"]"#,
                r#"["guard","byType","Register","allowedCountries",0]"#,
                r#"["guard","byType","Signup"]"#
            ]
        );
    }

    #[test]
    fn a_mainland_mobile_typed_without_86_is_recognised_and_real_numbers_are_left_alone() {
        assert_eq!(
            mainland_number_meant("13711112222").map(|e| e.as_str().to_owned()),
            Some("+8613711112222".to_owned())
        );
        for number in [
            "8613711112222",
            "16502530000",
            "+16502530000",
            "85291234567",
        ] {
            assert_eq!(mainland_number_meant(number), None, "{number}");
        }
    }
}
