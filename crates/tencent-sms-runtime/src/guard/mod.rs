//! The SMS guard's runtime: the counters of this process and the Redis connections that share
//! them between replicas. What the rules are and what a send counts against is the core's
//! (`tencent_sms_core::guard`); this module counts and decides.

mod counters;
mod redis_store;

use counters::Counters;
pub(crate) use counters::{MAX_LOCAL_COUNTERS, REDIS_TIMEOUT};
pub(crate) use redis_store::answers as redis_answers;
use std::sync::Arc;

use crate::stderr_lines::StderrLines;
use tencent_sms_core::guard::{
    limit_reached, plan, GuardConfig, GuardDecision, GuardedSend, Refusal,
};
use tencent_sms_core::ConnectorFailure;

/// The guard's process-wide state: its counters and Redis connections.
#[derive(Debug, Default)]
pub struct Guard {
    counters: Counters,
}

impl Guard {
    /// A guard whose notices (a Redis it cannot use, and its return) go to `lines`.
    pub(crate) fn writing_to(lines: Arc<StderrLines>) -> Self {
        Self {
            counters: Counters::writing_to(lines),
        }
    }

    /// What the guard makes of the send: exempt numbers first, then the rules, with
    /// `guard.mode: "monitor"` turning a refusal into a note.
    pub async fn decide(&self, config: &GuardConfig, send: GuardedSend<'_>) -> GuardDecision {
        if config.exempts(send.to.as_str()) {
            return GuardDecision::Exempt;
        }
        GuardDecision::from_rules(config, self.judge(config, send).await)
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
            .map_err(|refusal| refusal.failure)
    }

    /// The rules in order: the refusal, if one refuses.
    async fn judge(&self, config: &GuardConfig, send: GuardedSend<'_>) -> Result<(), Refusal> {
        // One bound for the whole decision: the rules' own work, then the wait for Redis.
        let until = tokio::time::Instant::now() + REDIS_TIMEOUT;
        let hits = plan(config, send)?;
        if hits.is_empty() {
            return Ok(());
        }
        let exceeded = self
            .counters
            .exceeded(config.redis_url.as_ref(), &hits, send.now, until)
            .await;
        exceeded.map_or(Ok(()), |hit| Err(limit_reached(hit)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tencent_sms_core::phone::normalize_e164;
    use tencent_sms_core::{ErrorCode, Limit, E164};

    fn send<'a>(to: &'a E164, ip: Option<&'a str>, now: i64) -> GuardedSend<'a> {
        GuardedSend {
            account: "1400000000",
            to,
            ip,
            now,
            message_type: None,
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
