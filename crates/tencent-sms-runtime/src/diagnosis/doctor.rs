//! `tencent-sms doctor`: a config checked against the live account, site by site, with
//! read-only calls; each problem named by the config key the console's errors name.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use tencent_sms_wire::{placeholder_count, TemplateStatus};

use super::reads::{describe_review, signs, templates, Review};
use crate::client::SmsClient;
use tencent_sms_core::config::{ConnectorConfig, Site};
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::request::TencentRequest;
use tencent_sms_core::template::{
    optional_usage_types, select_template, Template, Wanted, REQUIRED_USAGE_TYPES,
};

/// The doctor for a config given as JSON text: an invalid config is one failing check per
/// issue, at its path.
pub(crate) async fn doctor_json(client: &SmsClient, config_json: &str) -> Vec<Check> {
    let config = tencent_sms_core::json_input::parse_js_json(config_json).unwrap_or(Value::Null);
    match crate::validate_config(&config) {
        Ok(config) => doctor(client, &config).await,
        Err(issues) => issues
            .into_iter()
            .map(|issue| {
                let key = config_key(&issue.path);
                check(
                    "config",
                    false,
                    (!key.is_empty()).then_some(key),
                    issue.message,
                )
            })
            .collect(),
    }
}

/// One check of the doctor.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "DoctorCheck"))]
pub struct Check {
    /// What was checked, e.g. `template:1000001`.
    pub id: String,
    /// Whether it passed.
    pub ok: bool,
    /// Whether it could not run (a check it depends on failed); `ok` is then false and the
    /// message says which.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", ts(optional = nullable, type = "boolean"))]
    pub skipped: bool,
    /// The config key to change, e.g. `templates[2].templateCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub key: Option<String>,
    /// What was found, and what to do.
    pub message: String,
}

fn check(
    id: impl Into<String>,
    ok: bool,
    key: Option<String>,
    message: impl Into<String>,
) -> Check {
    Check {
        id: id.into(),
        ok,
        skipped: false,
        key,
        message: message.into(),
    }
}

/// A check that could not run because `because` failed.
fn skipped(id: impl Into<String>, what: &str, because: &str) -> Check {
    Check {
        id: id.into(),
        ok: false,
        skipped: true,
        key: None,
        message: format!("{what} was not checked: the check {because} failed first"),
    }
}

/// Checks `config` against the live account, site by site: keys, app and region, signs,
/// templates (live, of the right kind, with as many placeholders as `params`), and which
/// template each message type and language gets. Read-only.
pub async fn doctor(client: &SmsClient, config: &ConnectorConfig) -> Vec<Check> {
    let mut checks = vec![check("config", true, None, "the config is valid")];
    let mut live = HashMap::new();
    for site in config.sites() {
        let international_site = config.is_international_site(site);
        let name = config.site_name(site);
        let prefix = name.key_prefix();
        let label = format!("{} site", name.as_str());
        let templates_here: Vec<&Template> = config
            .templates
            .iter()
            .filter(|t| {
                config.international_site.is_none() || t.international == international_site
            })
            .collect();
        if let Err(failed) = site_answers(client, site, prefix, &label, &mut checks).await {
            for template in &templates_here {
                let id = format!("template:{}", template.template_code);
                let what = format!("template {}", template.template_code);
                checks.push(skipped(id, &what, &failed));
                live.insert(template.index, TemplateState::Skipped(failed.clone()));
            }
            continue;
        }
        check_signs(client, site, prefix, &templates_here, &mut checks).await;
        check_templates(client, site, &templates_here, &mut live, &mut checks).await;
    }
    check_selection(config, &live, &mut checks);
    if let Some(url) = config
        .guard
        .as_ref()
        .and_then(|guard| guard.redis_url.as_ref())
    {
        let key = Some("guard.redisUrl".to_owned());
        checks.push(match crate::guard::redis_answers(url).await {
            Ok(()) => check("redis", true, None, "the guard's Redis answers"),
            Err(why) => check("redis", false, key, format!("the guard's Redis cannot be used ({why}): each Logto process would count alone")),
        });
    }
    checks
}

/// Keys, SdkAppId and region: one SendStatusStatistics call for this hour answers all three.
/// `Err` names the check that failed, for the checks that then cannot run.
async fn site_answers(
    client: &SmsClient,
    site: &Site,
    prefix: &str,
    label: &str,
    checks: &mut Vec<Check>,
) -> Result<(), String> {
    match client.resolve_credentials(&site.credentials).await {
        Ok(used) => checks.push(check(
            format!("{prefix}credentials"),
            true,
            None,
            format!(
                "{label}: keys from credentials.source {} ({used})",
                site.credentials.name()
            ),
        )),
        Err(failure) => {
            checks.push(check(
                format!("{prefix}credentials"),
                false,
                Some(format!("{prefix}credentials")),
                failure_text(&failure),
            ));
            return Err(format!("{prefix}credentials"));
        }
    }
    let this_hour = client.clock().now_unix().div_euclid(3_600);
    let hour = crate::usage::beijing_hour(this_hour).unwrap_or_default();
    let usage = TencentRequest::send_status_statistics(site, &hour, &hour);
    let answered = client.fetch_usage(&usage).await;
    let skew = client.clock_offset(&site.endpoint.host_header);
    let clock = if skew == 0 {
        String::new()
    } else {
        format!("; this machine's clock is {skew} s off Tencent's (corrected per request)")
    };
    match answered {
        Ok(_) => {
            checks.push(check(
                format!("{prefix}account"),
                true,
                None,
                format!(
                    "{label}: the keys sign, and SdkAppId {} answers in {}{clock}",
                    site.sdk_app_id, site.region
                ),
            ));
            Ok(())
        }
        Err(failure) => {
            // The key the console's errors name for the same refusal; a request that never
            // reached Tencent is the endpoint's.
            let failure = site.refusal_at_key(failure, None, !prefix.is_empty());
            let key = match failure_key(&failure) {
                Some(key) => key,
                None if failure.tencent_code().is_none() => format!("{prefix}endpoint"),
                None => format!("{prefix}sdkAppId"),
            };
            checks.push(check(
                format!("{prefix}account"),
                false,
                Some(key),
                format!("{label}: {}{clock}", failure_text(&failure)),
            ));
            Err(format!("{prefix}account"))
        }
    }
}

async fn check_signs(
    client: &SmsClient,
    site: &Site,
    prefix: &str,
    templates: &[&Template],
    checks: &mut Vec<Check>,
) {
    let mut used: Vec<(String, String, bool)> = Vec::new();
    if templates
        .iter()
        .any(|t| !t.international && t.sign_name.is_none())
    {
        used.push((site.sign_name.clone(), format!("{prefix}signName"), false));
    }
    for template in templates.iter().filter(|t| t.sign_name.is_some()) {
        let name = template.sign_name.clone().unwrap_or_default();
        used.push((
            name,
            format!("templates[{}].signName", template.index),
            template.international,
        ));
    }
    used.sort();
    used.dedup_by(|a, b| a.0 == b.0 && a.2 == b.2);
    for (name, key, international) in used {
        let found = signs(client, site, international).await;
        let id = format!("sign:{name}");
        match found {
            Err(failure) => checks.push(check(id, false, Some(key), failure_text(&failure))),
            Ok(all) => match all.iter().find(|s| s.sign_name == name) {
                None => checks.push(check(id, false, Some(key), format!("sign {name} does not exist in this account: create it in Tencent's SMS console, or fix the name"))),
                Some(sign) if sign.status_code == 0 => checks.push(check(id, true, None, format!("sign {name} is approved and live"))),
                Some(sign) => checks.push(check(id, false, Some(key), format!("{}; only a live sign can send", describe_review(&format!("sign {name}"), &Review::from(sign))))),
            },
        }
    }
}

async fn check_templates(
    client: &SmsClient,
    site: &Site,
    templates: &[&Template],
    live: &mut HashMap<usize, TemplateState>,
    checks: &mut Vec<Check>,
) {
    for template in templates
        .iter()
        .filter(|t| t.template_code != tencent_sms_core::template::TEMPLATE_CODE_PLACEHOLDER)
    {
        let key = Some(format!("templates[{}].templateCode", template.index));
        let id = format!("template:{}", template.template_code);
        let code = template.template_code.as_str();
        let mine = templates_of_kind(client, site, template.international, code).await;
        let other = templates_of_kind(client, site, !template.international, code).await;
        let (found, failure) = match (mine, other) {
            (Ok(Some(found)), _) => (Some((found, template.international)), None),
            (Ok(None), Ok(Some(found))) => (Some((found, !template.international)), None),
            (Err(failure), _) | (_, Err(failure)) => (None, Some(failure)),
            (Ok(None), Ok(None)) => (None, None),
        };
        let ok = match (found, failure) {
            (_, Some(failure)) => {
                checks.push(check(id, false, key, failure_text(&failure)));
                false
            }
            (None, None) => {
                checks.push(check(id, false, key, format!("template {code} does not exist in this account: fix templateCode, or create and submit the template")));
                false
            }
            (Some((_, kind)), None) if kind != template.international => {
                let (said, is) = if template.international {
                    ("international", "mainland")
                } else {
                    ("mainland", "international")
                };
                checks.push(check(id, false, Some(format!("templates[{}].international", template.index)), format!("template {code} is marked {said} in the config, but Tencent has it as {is}: set \"international\": {}", !template.international)));
                false
            }
            (Some((found, _)), None) => template_state(template, &found, key, checks),
        };
        let state = if ok {
            TemplateState::Live
        } else {
            TemplateState::Failed
        };
        live.insert(template.index, state);
    }
}

/// What the doctor found of a template, for the message types that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TemplateState {
    Live,
    /// Its check failed: it says why.
    Failed,
    /// It was not checked, because the named check failed first.
    Skipped(String),
}

async fn templates_of_kind(
    client: &SmsClient,
    site: &Site,
    international: bool,
    code: &str,
) -> Result<Option<TemplateStatus>, ConnectorFailure> {
    Ok(templates(client, site, international, &[code])
        .await?
        .into_iter()
        .next())
}

/// Live, and as many placeholders as the config's `params` (one without).
fn template_state(
    template: &Template,
    found: &TemplateStatus,
    key: Option<String>,
    checks: &mut Vec<Check>,
) -> bool {
    let code = &template.template_code;
    let id = format!("template:{code}");
    if found.status_code != 0 {
        checks.push(check(
            id,
            false,
            key,
            format!(
                "{}; only a live template can send",
                describe_review(&format!("template {code}"), &Review::from(found))
            ),
        ));
        return false;
    }
    let placeholders = placeholder_count(&found.template_content);
    let sent = template.params.as_ref().map_or(1, Vec::len);
    if placeholders != sent {
        let key = Some(format!("templates[{}].params", template.index));
        checks.push(check(id, false, key, format!("template {code} has {placeholders} placeholder(s) but the config sends {sent}: make params list one value per placeholder")));
        return false;
    }
    checks.push(check(
        id,
        true,
        None,
        format!("template {code} is approved and live, with {placeholders} placeholder(s)"),
    ));
    true
}

/// Each required message type, and each optional one configured, for a mainland and an
/// international number, in every language configured: a live template.
fn check_selection(
    config: &ConnectorConfig,
    live: &HashMap<usize, TemplateState>,
    checks: &mut Vec<Check>,
) {
    let mut types: Vec<&str> = REQUIRED_USAGE_TYPES.to_vec();
    types.extend(optional_usage_types().filter(|t| {
        config
            .templates
            .iter()
            .any(|template| template.usage_type == *t)
    }));
    let mut locales: Vec<Option<&str>> = vec![None];
    for template in &config.templates {
        if let Some(locale) = template.locale.as_deref() {
            if !locales.contains(&Some(locale)) {
                locales.push(Some(locale));
            }
        }
    }
    for usage_type in types {
        for international in [false, true] {
            for locale in &locales {
                let wanted = Wanted {
                    usage_type,
                    international,
                    locale: *locale,
                    separate_sites: config.international_site.is_some(),
                };
                let number = if international {
                    "an international"
                } else {
                    "a mainland"
                };
                let language = locale.map(|l| format!(" in {l}")).unwrap_or_default();
                let id = format!(
                    "selection:{usage_type}:{}{}",
                    if international {
                        "international"
                    } else {
                        "mainland"
                    },
                    locale.map(|l| format!(":{l}")).unwrap_or_default()
                );
                let sent = format!("{usage_type} to {number} number{language}");
                let Some(template) = select_template(&config.templates, &wanted) else {
                    checks.push(check(
                        id,
                        false,
                        Some("templates".into()),
                        format!(
                            "{sent} has no template: add one (or a Generic one) for that region"
                        ),
                    ));
                    continue;
                };
                let code = &template.template_code;
                checks.push(match live.get(&template.index) {
                    Some(TemplateState::Live) => check(id, true, None, format!("{sent} uses live template {code}")),
                    Some(TemplateState::Skipped(because)) => skipped(id, &format!("{sent} (template {code})"), because),
                    // The placeholder code of the console's default form, or a failed check.
                    Some(TemplateState::Failed) => check(id, false, Some(format!("templates[{}].templateCode", template.index)), format!("{sent} uses template {code}, which cannot send (see the check template:{code})")),
                    None => check(id, false, Some(format!("templates[{}].templateCode", template.index)), format!("{sent} uses template {code}, which is not a template id: fill in the id of an approved template")),
                });
            }
        }
    }
}

fn failure_text(failure: &ConnectorFailure) -> String {
    let json = failure.to_json();
    let data = &json["data"];
    if let Some(issues) = data.get("issues").and_then(Value::as_array) {
        return issues
            .iter()
            .filter_map(|i| i.get("message").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("; ");
    }
    data.get("errorDescription")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| data.to_string())
}

fn failure_key(failure: &ConnectorFailure) -> Option<String> {
    let json = failure.to_json();
    let path = json["data"]
        .get("issues")?
        .as_array()?
        .first()?
        .get("path")?
        .as_array()?;
    Some(config_key(path))
}

/// A zod path as the doctor names a key: `templates[2].templateCode`.
fn config_key(path: &[Value]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|p| p.as_str().map_or_else(|| format!("[{p}]"), str::to_owned))
        .collect();
    parts.join(".").replace(".[", "[")
}
