//! The SMS abuse and cost guard: which numbers may get a code (countries, number types), and
//! how many sends an IP, a number range or all international numbers may get (fixed windows,
//! counted here or shared through Redis). Off unless the config has `guard`; a refused send
//! costs nothing, because it never reaches Tencent.

mod config;
mod counters;
mod ip;
mod rules;

pub(crate) use config::read_guard;
pub use config::{GuardConfig, Limit};
pub use rules::NumberType;

use crate::failure::{ConnectorFailure, ErrorCode};
use crate::phone::E164;
pub(crate) use counters::redis_answers;
use counters::{CountedRule, Counters, Hit, Window};
use rules::{check_number, Destination, NumberRefusal};

/// The country of `to` (ISO 3166-1 alpha-2) from libphonenumber's numbering plans, as the
/// guard's country rules read it.
pub(crate) fn country_of(to: &E164) -> Option<String> {
    Destination::of(to).country
}

/// Beijing is UTC+8 all year: Tencent's billing day, and the guard's.
const BEIJING_OFFSET_SECONDS: i64 = 8 * 3_600;
const DAY_SECONDS: u64 = 86_400;

/// The guard's process-wide state: its counters and Redis connections.
#[derive(Debug, Default)]
pub struct Guard {
    counters: Counters,
}

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

impl Guard {
    /// What the guard makes of the send: exempt numbers first, then the rules, with
    /// `guard.mode: "monitor"` turning a refusal into a note.
    pub async fn decide(&self, config: &GuardConfig, send: GuardedSend<'_>) -> GuardDecision {
        if config.exempts(send.to.as_str()) {
            return GuardDecision::Exempt;
        }
        match self.judge(config, send).await {
            Ok(()) => GuardDecision::Admitted,
            Err((rule, _)) if config.monitor => GuardDecision::WouldRefuse { rule },
            Err((rule, failure)) => GuardDecision::Refused { rule, failure },
        }
    }

    /// Admits the send or says which rule refused it. The number rules come first, so a
    /// refused number uses up no limit.
    pub async fn admit(
        &self,
        config: &GuardConfig,
        send: GuardedSend<'_>,
    ) -> Result<(), ConnectorFailure> {
        self.judge(config, send)
            .await
            .map_err(|(_, failure)| failure)
    }

    /// The rules in order: the refusing rule's config key and error, if one refuses.
    async fn judge(
        &self,
        config: &GuardConfig,
        send: GuardedSend<'_>,
    ) -> Result<(), (&'static str, ConnectorFailure)> {
        // Parsing with the numbering plans is most of a decision's cost: only when needed.
        if config.checks_numbers() {
            check_number(config, &Destination::of(send.to))
                .map_err(|refusal| (refusal.rule(), number_refused(refusal)))?;
        }
        if !config.counts() {
            return Ok(());
        }
        let hits = counted_rules(config, send);
        let exceeded = self
            .counters
            .exceeded(config.redis_url.as_ref(), &hits, send.now)
            .await;
        exceeded.map_or(Ok(()), |rule| Err((rule.config_key(), limit_reached(rule))))
    }
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

fn limit_reached(rule: CountedRule) -> ConnectorFailure {
    ConnectorFailure::new(
        ErrorCode::RateLimitExceeded,
        format!(
            "The SMS guard refused this send: the {} limit is reached for now. Nothing was sent.",
            rule.config_key()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::normalize_e164;

    fn send<'a>(to: &'a E164, ip: Option<&'a str>, now: i64) -> GuardedSend<'a> {
        GuardedSend {
            account: "1400000000",
            to,
            ip,
            now,
        }
    }

    async fn outcomes(
        guard: &Guard,
        config: &GuardConfig,
        sends: &[(&str, Option<&str>, i64)],
    ) -> Vec<Option<ErrorCode>> {
        let mut all = Vec::new();
        for (number, ip, now) in sends {
            let to = normalize_e164(number).unwrap();
            all.push(
                guard
                    .admit(config, send(&to, *ip, *now))
                    .await
                    .err()
                    .map(|f| f.code),
            );
        }
        all
    }

    const LIMITED: Option<ErrorCode> = Some(ErrorCode::RateLimitExceeded);

    #[tokio::test]
    async fn per_ip_counts_each_address_in_its_window_and_ignores_sends_without_one() {
        let config = GuardConfig {
            per_ip: Some(Limit {
                max: 2,
                window_seconds: 60,
            }),
            ..GuardConfig::default()
        };
        let guard = Guard::default();
        let n = "+8613711112222";
        let got = outcomes(
            &guard,
            &config,
            &[
                (n, Some("10.0.0.1"), 0),
                (n, Some("10.0.0.1"), 1),
                (n, Some("10.0.0.1"), 2),
                (n, Some("10.0.0.2"), 3),
                (n, None, 4),
                (n, None, 5),
                (n, Some("10.0.0.1"), 60),
            ],
        )
        .await;
        assert_eq!(got, [None, None, LIMITED, None, None, None, None]);
    }

    #[tokio::test]
    async fn every_spelling_of_one_client_shares_its_limit_and_non_addresses_share_one() {
        let config = GuardConfig {
            per_ip: Some(Limit {
                max: 1,
                window_seconds: 60,
            }),
            ..GuardConfig::default()
        };
        let guard = Guard::default();
        let n = "+8613711112222";
        let long = "9".repeat(65);
        let got = outcomes(
            &guard,
            &config,
            &[
                (n, Some("1.2.3.4"), 0),
                (n, Some("::ffff:1.2.3.4"), 0),
                (n, Some(" 1.2.3.4 "), 0),
                (n, Some("2001:db8:0:1::1"), 0),
                (n, Some("2001:DB8:0:1:ffff::2"), 0),
                (n, Some("not-an-ip"), 0),
                (n, Some(long.as_str()), 0),
            ],
        )
        .await;
        assert_eq!(got, [None, LIMITED, LIMITED, None, LIMITED, None, LIMITED]);
    }

    #[tokio::test]
    async fn exempt_numbers_skip_every_rule_and_monitor_mode_refuses_nothing() {
        let config = GuardConfig {
            allowed_countries: Some(vec!["CN".into()]),
            per_ip: Some(Limit {
                max: 1,
                window_seconds: 60,
            }),
            exempt: vec!["+1650253".into()],
            ..GuardConfig::default()
        };
        let guard = Guard::default();
        let office = normalize_e164("+16502530000").unwrap();
        let abroad = normalize_e164("+16502539999").unwrap();
        let ip = Some("203.0.113.7");
        for _ in 0..3 {
            let decision = guard.decide(&config, send(&office, ip, 0)).await;
            assert!(matches!(decision, GuardDecision::Exempt), "{decision:?}");
        }
        let elsewhere = normalize_e164("+14155550100").unwrap();
        let refused = guard.decide(&config, send(&elsewhere, ip, 0)).await;
        assert_eq!(refused.describe(), "refused by guard.allowedCountries");
        let monitoring = GuardConfig {
            monitor: true,
            exempt: Vec::new(),
            ..config
        };
        let decision = guard.decide(&monitoring, send(&abroad, ip, 0)).await;
        assert_eq!(
            decision.describe(),
            "monitor: guard.allowedCountries would refuse"
        );
        assert!(matches!(decision, GuardDecision::WouldRefuse { .. }));
    }

    #[tokio::test]
    async fn per_prefix_counts_a_number_range() {
        let config = GuardConfig {
            per_prefix: Some((
                Limit {
                    max: 2,
                    window_seconds: 3_600,
                },
                4,
            )),
            ..GuardConfig::default()
        };
        let guard = Guard::default();
        let got = outcomes(
            &guard,
            &config,
            &[
                ("+447700900001", None, 0),
                ("+447700900002", None, 0),
                ("+447700900003", None, 0),
                ("+447700910003", None, 0),
            ],
        )
        .await;
        assert_eq!(got, [None, None, LIMITED, None]);
    }

    #[tokio::test]
    async fn the_international_daily_limit_counts_beijing_days_and_spares_mainland_numbers() {
        let config = GuardConfig {
            international_daily_limit: Some(1),
            ..GuardConfig::default()
        };
        let guard = Guard::default();
        // 15:59:59 UTC is 23:59:59 in Beijing; a second later is a new Beijing day.
        let evening = 1_714_579_199;
        let got = outcomes(
            &guard,
            &config,
            &[
                ("+16502530000", None, evening - 10),
                ("+16502530001", None, evening),
                ("+8613711112222", None, evening),
                ("+16502530002", None, evening + 1),
            ],
        )
        .await;
        assert_eq!(got, [None, LIMITED, None, None]);
    }

    #[tokio::test]
    async fn a_refused_number_uses_up_no_limit() {
        let config = GuardConfig {
            blocked_countries: vec!["US".into()],
            per_ip: Some(Limit {
                max: 1,
                window_seconds: 60,
            }),
            ..GuardConfig::default()
        };
        let guard = Guard::default();
        let ip = Some("10.0.0.9");
        let got = outcomes(
            &guard,
            &config,
            &[("+16502530000", ip, 0), ("+8613711112222", ip, 0)],
        )
        .await;
        assert_eq!(got, [Some(ErrorCode::InvalidRequestParameters), None]);
    }

    #[tokio::test]
    async fn refusals_name_the_rule_and_not_its_configuration() {
        let config = GuardConfig {
            allowed_countries: Some(vec!["CN".into()]),
            ..GuardConfig::default()
        };
        let to = normalize_e164("+16502530000").unwrap();
        let failure = Guard::default()
            .admit(&config, send(&to, None, 0))
            .await
            .unwrap_err();
        let text = format!("{:?}", failure.data);
        assert!(text.contains("guard.allowedCountries"), "{text}");
        assert!(
            !text.contains("CN") && !text.contains("6502530000"),
            "{text}"
        );
    }
}
