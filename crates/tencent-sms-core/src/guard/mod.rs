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
        rule: &'static str,
        /// The error the send fails with.
        failure: ConnectorFailure,
    },
    /// `guard.mode` is `monitor`: a rule would refuse it, and it is sent anyway.
    WouldRefuse {
        /// The rule's config key.
        rule: &'static str,
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
    /// The rule's config key, e.g. `guard.perIp`.
    pub rule: &'static str,
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
/// it must then be counted against. The number rules come first, so a refused number uses up
/// no limit; no counters at all when the guard counts nothing.
pub fn plan(config: &GuardConfig, send: GuardedSend<'_>) -> Result<Vec<Hit>, Refusal> {
    // Parsing with the numbering plans is most of a decision's cost: only when needed.
    if config.checks_numbers() {
        check_number(config, &Destination::of(send.to)).map_err(|refusal| Refusal {
            rule: refusal.rule(),
            failure: number_refused(refusal),
        })?;
    }
    if !config.counts() {
        return Ok(Vec::new());
    }
    Ok(counted_rules(config, send))
}

/// Each counted rule that applies, in the order they are checked: the counter it increments
/// and its limit.
fn counted_rules(config: &GuardConfig, send: GuardedSend<'_>) -> Vec<Hit> {
    let mut rules = Vec::new();
    if let (Some(limit), Some(ip)) = (config.per_ip, send.ip.filter(|ip| !ip.is_empty())) {
        let client = ip::client_key(ip, config.ipv6_prefix());
        let hit = Hit {
            rule: CountedRule::PerIp,
            key: format!("{}:ip:{client}", send.account),
            window: Window::containing(send.now, limit.window_seconds, 0),
            max: limit.max,
        };
        rules.push(hit);
    }
    if let Some((limit, digits)) = config.per_prefix {
        let number = send.to.as_str();
        let prefix = &number[..number.len().saturating_sub(digits as usize).max(1)];
        let hit = Hit {
            rule: CountedRule::PerPrefix,
            key: format!("{}:prefix:{digits}:{prefix}", send.account),
            window: Window::containing(send.now, limit.window_seconds, 0),
            max: limit.max,
        };
        rules.push(hit);
    }
    if let Some(max) = config
        .international_daily_limit
        .filter(|_| !send.to.is_mainland_china())
    {
        let hit = Hit {
            rule: CountedRule::InternationalDaily,
            key: format!("{}:international", send.account),
            window: Window::containing(send.now, DAY_SECONDS, BEIJING_OFFSET_SECONDS),
            max,
        };
        rules.push(hit);
    }
    rules
}

fn number_refused(refusal: NumberRefusal) -> ConnectorFailure {
    let why = match refusal {
        NumberRefusal::Invalid => "it is not a valid number for its country".to_owned(),
        NumberRefusal::CountryNotAllowed => {
            "its country is not in guard.allowedCountries".to_owned()
        }
        NumberRefusal::CountryBlocked => "its country is in guard.blockedCountries".to_owned(),
        NumberRefusal::NumberType(kind) => {
            format!(
                "its number type ({}) is not in guard.numberTypes",
                kind.name()
            )
        }
    };
    ConnectorFailure::new(
        ErrorCode::InvalidRequestParameters,
        format!("The SMS guard refused this number: {why}. Nothing was sent."),
    )
}

/// The refusal of a send that would take `rule`'s counter past its limit.
pub fn limit_reached(rule: CountedRule) -> Refusal {
    let failure = ConnectorFailure::new(
        ErrorCode::RateLimitExceeded,
        format!(
            "The SMS guard refused this send: the {} limit is reached for now. Nothing was sent.",
            rule.config_key()
        ),
    );
    Refusal {
        rule: rule.config_key(),
        failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
