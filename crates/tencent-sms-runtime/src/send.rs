//! One send, once the config is valid: read the data, prepare, ask the guard, send, point a
//! refusal at the key to fix and at Tencent's review reply, and write the send log's line.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use tencent_sms_core::guard::GuardDecision;
use tencent_sms_core::prepare::guarded_send;
use tencent_sms_core::{
    normalize_e164, parse_message_data, ConnectorConfig, ConnectorFailure, MessageData,
    PreparedSend, SendResult, SiteName,
};

use crate::client::SmsClient;
use crate::diagnosis;
use crate::guard::Guard;
use crate::send_log::{self, SendLog};

/// Once the config is valid: read the data, build, sign, send, and point a refusal at the
/// key to fix.
pub(crate) async fn send_with_config(
    client: &SmsClient,
    guard: &Guard,
    log: &SendLog,
    config: &ConnectorConfig,
    data: &Value,
) -> Result<SendResult, ConnectorFailure> {
    let clock = client.clock();
    let data = parse_message_data(data)?;
    let started = std::time::Instant::now();
    let prepared = match PreparedSend::new(config, &data) {
        Ok(prepared) => prepared,
        Err(failure) => {
            log_unsent(log, &data, &failure, started);
            return Err(failure);
        }
    };
    let decision = match &config.guard {
        Some(rules) => {
            let send = guarded_send(config, &prepared.to, data.ip.as_deref(), clock.now_unix())
                .of_type(&data.usage_type);
            Some(guard.decide(rules, send).await)
        }
        None => None,
    };
    let attempts = AtomicU32::new(0);
    let outcome = match &decision {
        Some(GuardDecision::Refused { failure, .. }) => Err(failure.clone()),
        _ => match client.send_counting(&prepared.request, &attempts).await {
            Ok(result) => Ok(result),
            Err(failure) => {
                let site = config.site_for(!prepared.to.is_mainland_china());
                let failure = site.refusal_at_key(
                    failure,
                    Some(prepared.template.sent()),
                    prepared.via_international_site,
                );
                let budget = client.send_deadline().saturating_sub(started.elapsed());
                Err(diagnosis::with_review(client, site, prepared.template, budget, failure).await)
            }
        },
    };
    log_outcome(
        log,
        &data,
        &prepared,
        &outcome,
        &attempts,
        started,
        decision.as_ref(),
    );
    outcome
}

/// The send log's line for a send that was prepared (it had a template and a number).
fn log_outcome(
    log: &SendLog,
    data: &MessageData,
    prepared: &PreparedSend<'_>,
    outcome: &Result<SendResult, ConnectorFailure>,
    attempts: &AtomicU32,
    started: std::time::Instant,
    decision: Option<&GuardDecision>,
) {
    // The guard's monitor mode is logged whatever the level: that is what it is for.
    let always = matches!(decision, Some(GuardDecision::WouldRefuse { .. }));
    if log.is_off() && !always {
        return;
    }
    let guard = decision.map_or_else(|| "off".to_owned(), GuardDecision::describe);
    let (outcome_name, tencent_code, serial_no, request_id, country) = match outcome {
        Ok(result) => (
            "sent",
            None,
            Some(result.serial_no.as_str()),
            Some(result.request_id.as_str()),
            Some(result.iso_code.clone()),
        ),
        Err(failure) => (
            failure.code.as_str(),
            failure.tencent_code(),
            None,
            failure.request_id(),
            tencent_sms_core::guard::country_of(&prepared.to),
        ),
    };
    log.record(
        &send_log::Entry {
            outcome: outcome_name,
            tencent_code,
            usage_type: &data.usage_type,
            template_id: Some(&prepared.template.template_code),
            site: if prepared.via_international_site {
                SiteName::International
            } else {
                SiteName::Main
            },
            country,
            to: send_log::mask(prepared.to.as_str()),
            serial_no,
            request_id,
            attempts: attempts.load(Ordering::Relaxed),
            duration_ms: started.elapsed().as_millis() as u64,
            guard,
        },
        always,
    );
}

/// The send log's line for a send refused before it had a template or a valid number.
fn log_unsent(
    log: &SendLog,
    data: &MessageData,
    failure: &ConnectorFailure,
    started: std::time::Instant,
) {
    if log.is_off() {
        return;
    }
    let to = normalize_e164(&data.to).map(|to| send_log::mask(to.as_str()));
    log.record(
        &send_log::Entry {
            outcome: failure.code.as_str(),
            tencent_code: None,
            usage_type: &data.usage_type,
            template_id: None,
            site: SiteName::Main,
            country: None,
            to: to.unwrap_or_else(|_| "(not a phone number)".to_owned()),
            serial_no: None,
            request_id: None,
            attempts: 0,
            duration_ms: started.elapsed().as_millis() as u64,
            guard: "not reached".to_owned(),
        },
        false,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use tencent_sms_core::{ErrorCode, GuardConfig, Limit};

    fn two_sites() -> ConnectorConfig {
        let config = tencent_sms_core::testing::two_sites_config();
        tencent_sms_core::validate_config(&config, &Default::default()).unwrap()
    }

    #[tokio::test]
    async fn one_ip_has_one_limit_across_both_sites() {
        let mut config = two_sites();
        config.guard = Some(GuardConfig {
            per_ip: Some(Limit {
                max: 1,
                window_seconds: 60,
            }),
            ..Default::default()
        });
        let guard = Guard::default();
        let rules = config.guard.as_ref().unwrap();
        let mainland = normalize_e164("8613711112222").unwrap();
        let abroad = normalize_e164("16502530000").unwrap();
        let ip = Some("203.0.113.9");
        let first = guarded_send(&config, &mainland, ip, 0);
        assert!(guard.admit(rules, first).await.is_ok());
        let second = guarded_send(&config, &abroad, ip, 1);
        let refused = guard.admit(rules, second).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::RateLimitExceeded);
    }
}
