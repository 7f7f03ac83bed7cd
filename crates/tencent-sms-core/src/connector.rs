//! `sendMessage` steps 2–10: validate, pick the template, build, sign, send, classify.

use serde_json::Value;

use crate::client::SmsClient;
#[cfg(feature = "testing")]
use crate::config::validate_config;
use crate::config::ConnectorConfig;
use crate::config_cache::ConfigCache;
use crate::failure::ConnectorFailure;
use crate::failure::ErrorCode;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::diagnosis;
use crate::guard::{Guard, GuardDecision, GuardedSend};
use crate::json_input::parse_js_json;
use crate::message::{parse_message_data, MessageData};
use crate::phone::{normalize_e164, E164};
use crate::request::TencentRequest;
use crate::response::SendResult;
use crate::send_log;
use crate::template::{select_template, Template, Wanted};

/// The normalized destination and the template it gets, or why nothing may be sent.
fn destination_and_template<'a>(
    config: &'a ConnectorConfig,
    data: &MessageData,
) -> Result<(E164, &'a Template), ConnectorFailure> {
    let to = normalize_e164(&data.to).map_err(|e| {
        ConnectorFailure::new(
            ErrorCode::InvalidRequestParameters,
            format!("invalid phone number: {e}"),
        )
    })?;
    let wanted = Wanted {
        usage_type: &data.usage_type,
        international: !to.is_mainland_china(),
        locale: data.locale.as_deref(),
        separate_sites: config.international_site.is_some(),
    };
    let template = select_template(&config.templates, &wanted)
        .ok_or_else(|| ConnectorFailure::template_not_found(&data.usage_type))?;
    Ok((to, template))
}

/// Builds the request for one message (through the destination's site), or says why nothing
/// may be sent.
pub fn prepare_send(
    config: &ConnectorConfig,
    data: &MessageData,
) -> Result<TencentRequest, ConnectorFailure> {
    prepare(config, data).map(|prepared| prepared.request)
}

/// A request ready to go, and what an error about it must point at.
struct Prepared<'a> {
    request: TencentRequest,
    to: E164,
    template: &'a Template,
    via_international_site: bool,
}

/// Now, for the guard's windows.
fn unix_now() -> i64 {
    use crate::clock::{Clock, SystemClock};
    SystemClock.now_unix()
}

fn prepare<'a>(
    config: &'a ConnectorConfig,
    data: &MessageData,
) -> Result<Prepared<'a>, ConnectorFailure> {
    let (to, template) = destination_and_template(config, data)?;
    let params = template.param_set(data.code.as_deref()).ok_or_else(|| {
        ConnectorFailure::new(
            ErrorCode::InvalidRequestParameters,
            "`payload.code` is missing, but the template's `params` send {code}",
        )
    })?;
    let international = !to.is_mainland_china();
    let site = config.site_for(international);
    Ok(Prepared {
        request: TencentRequest::send_sms(site, template, &to, &params),
        to,
        template,
        via_international_site: config.is_international_site(site),
    })
}

/// The whole send: raw config and data in, Tencent's result or a classified failure out.
#[cfg(feature = "testing")]
pub async fn send_message(
    client: &SmsClient,
    config: &Value,
    data: &Value,
) -> Result<SendResult, ConnectorFailure> {
    static GUARD: std::sync::OnceLock<Guard> = std::sync::OnceLock::new();
    let config = validate_config(config).map_err(ConnectorFailure::invalid_config)?;
    send_with_config(client, GUARD.get_or_init(Guard::default), &config, data).await
}

/// The whole send from JSON text, as the Node binding passes it, with validated configs cached.
pub async fn send_message_json(
    client: &SmsClient,
    configs: &ConfigCache,
    guard: &Guard,
    config_json: &str,
    data_json: &str,
) -> Result<SendResult, ConnectorFailure> {
    let config = configs.get_or_validate(config_json)?;
    let data = parse_js_json(data_json).unwrap_or(Value::Null);
    send_with_config(client, guard, &config, &data).await
}

/// Where one site's keys come from, as the command line shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CredentialReport {
    /// `accessKeyId` for the top level, `internationalSite.credentials` for the other site.
    pub site: &'static str,
    /// `credentials.source`.
    pub source: &'static str,
    /// The source that gave the keys (the chain's choice).
    pub used: &'static str,
}

/// Reads each site's keys as a send would and says where they came from.
pub async fn describe_credentials(
    client: &SmsClient,
    configs: &ConfigCache,
    config_json: &str,
) -> Result<Vec<CredentialReport>, ConnectorFailure> {
    let config = configs.get_or_validate(config_json)?;
    let mut reports = Vec::new();
    for site in config.sites() {
        let international_site = config.is_international_site(site);
        let used = client
            .resolve_credentials(&site.credentials)
            .await
            .map_err(|failure| failure.through_site(international_site))?;
        reports.push(CredentialReport {
            site: if international_site {
                "internationalSite"
            } else {
                "top level"
            },
            source: site.credentials.name(),
            used,
        });
    }
    Ok(reports)
}

/// What the guard counts a send as. Its counters are namespaced by the top-level site's SMS
/// app whichever site the number goes through: a limit on an IP is one limit, not one per site.
fn guarded_send<'a>(
    config: &'a ConnectorConfig,
    to: &'a E164,
    ip: Option<&'a str>,
    now: i64,
) -> GuardedSend<'a> {
    GuardedSend {
        account: &config.site.sdk_app_id,
        to,
        ip,
        now,
    }
}

/// Once the config is valid: read the data, build, sign, send, and point a refusal at the
/// key to fix.
async fn send_with_config(
    client: &SmsClient,
    guard: &Guard,
    config: &ConnectorConfig,
    data: &Value,
) -> Result<SendResult, ConnectorFailure> {
    let data = parse_message_data(data)?;
    let started = std::time::Instant::now();
    let prepared = match prepare(config, &data) {
        Ok(prepared) => prepared,
        Err(failure) => {
            log_unsent(&data, &failure, started);
            return Err(failure);
        }
    };
    let decision = match &config.guard {
        Some(rules) => {
            let send = guarded_send(config, &prepared.to, data.ip.as_deref(), unix_now());
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
                let failure = failure
                    .pointing_at_config(Some(prepared.template.sent()))
                    .through_site(prepared.via_international_site);
                let site = config.site_for(!prepared.to.is_mainland_china());
                let budget = crate::client::SEND_DEADLINE.saturating_sub(started.elapsed());
                Err(diagnosis::with_review(client, site, prepared.template, budget, failure).await)
            }
        },
    };
    log_outcome(
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
    data: &MessageData,
    prepared: &Prepared<'_>,
    outcome: &Result<SendResult, ConnectorFailure>,
    attempts: &AtomicU32,
    started: std::time::Instant,
    decision: Option<&GuardDecision>,
) {
    // The guard's monitor mode is logged whatever the level: that is what it is for.
    let always = matches!(decision, Some(GuardDecision::WouldRefuse { .. }));
    if send_log::level() == send_log::Level::Off && !always {
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
            crate::guard::country_of(&prepared.to),
        ),
    };
    send_log::record(
        &send_log::Entry {
            time: send_log::now(),
            outcome: outcome_name,
            tencent_code,
            usage_type: &data.usage_type,
            template_id: Some(&prepared.template.template_code),
            site: if prepared.via_international_site {
                "international"
            } else {
                "main"
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
fn log_unsent(data: &MessageData, failure: &ConnectorFailure, started: std::time::Instant) {
    if send_log::level() == send_log::Level::Off {
        return;
    }
    let to = normalize_e164(&data.to).map(|to| send_log::mask(to.as_str()));
    send_log::record(
        &send_log::Entry {
            time: send_log::now(),
            outcome: failure.code.as_str(),
            tencent_code: None,
            usage_type: &data.usage_type,
            template_id: None,
            site: "main",
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
    use serde_json::json;

    fn two_sites() -> ConnectorConfig {
        crate::config::validate_config(&json!({
            "accessKeyId": "AKIDCN", "accessKeySecret": "cn-secret", "signName": "Logto",
            "sdkAppId": "1400000001", "region": "ap-guangzhou",
            "internationalSite": { "accessKeyId": "AKIDINTL", "accessKeySecret": "intl-secret",
                "sdkAppId": "2400000002", "region": "ap-singapore", "endpoint": "sms.intl.tencentcloudapi.com" },
            "templates": [
                { "usageType": "SignIn", "templateCode": "1" },
                { "usageType": "Register", "templateCode": "1" },
                { "usageType": "ForgotPassword", "templateCode": "1" },
                { "usageType": "Generic", "templateCode": "1" },
                { "usageType": "Generic", "templateCode": "2", "international": true, "params": ["{code}", "10"] }
            ]
        }))
        .unwrap()
    }

    fn message(to: &str) -> MessageData {
        MessageData {
            to: to.into(),
            usage_type: "SignIn".into(),
            code: Some("123456".into()),
            locale: None,
            ip: None,
        }
    }

    fn body(request: &TencentRequest) -> serde_json::Value {
        serde_json::from_slice(&request.body).unwrap()
    }

    #[test]
    fn each_destination_goes_through_its_own_site() {
        let config = two_sites();
        let mainland = prepare_send(&config, &message("8613711112222")).unwrap();
        assert_eq!(mainland.endpoint.host_header, "sms.tencentcloudapi.com");
        assert_eq!(mainland.credentials.secret_id(), Some("AKIDCN"));
        assert_eq!(body(&mainland)["SmsSdkAppId"], "1400000001");
        assert_eq!(body(&mainland)["TemplateParamSet"], json!(["123456"]));
        let abroad = prepare_send(&config, &message("16502530000")).unwrap();
        assert_eq!(abroad.endpoint.host_header, "sms.intl.tencentcloudapi.com");
        assert_eq!(
            (
                abroad.credentials.secret_id().unwrap(),
                abroad.region.as_str()
            ),
            ("AKIDINTL", "ap-singapore")
        );
        assert_eq!(body(&abroad)["SmsSdkAppId"], "2400000002");
        assert_eq!(body(&abroad)["TemplateId"], "2");
        assert_eq!(body(&abroad)["TemplateParamSet"], json!(["123456", "10"]));
    }

    #[tokio::test]
    async fn one_ip_has_one_limit_across_both_sites() {
        let mut config = two_sites();
        config.guard = Some(crate::guard::GuardConfig {
            per_ip: Some(crate::guard::Limit {
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

    #[test]
    fn a_template_of_the_other_site_is_never_used() {
        let mut config = two_sites();
        config.templates.retain(|t| !t.international);
        let failure = prepare_send(&config, &message("16502530000")).unwrap_err();
        assert_eq!(failure.code, ErrorCode::TemplateNotFound);
    }
}
