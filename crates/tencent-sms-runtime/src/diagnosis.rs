//! Why a code did not arrive: Tencent's review of a template or a sign (for the error the
//! console shows), the delivery receipts of a number (`tencent-sms status`), and a check of a
//! whole config against the live account (`tencent-sms doctor`). Read-only calls only: nothing
//! here sends an SMS.

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tencent_sms_wire::{
    placeholder_count, DescribeSignListRequest, DescribeSignListResponse,
    DescribeTemplateListRequest, DescribeTemplateListResponse, PullSendStatusRequest,
    PullSendStatusResponse, ReceiptStatus, SignStatus, TemplateStatus,
};

use crate::client::SmsClient;
use tencent_sms_core::config::{ConnectorConfig, Site};
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::request::TencentRequest;
use tencent_sms_core::template::{select_template, Template, Wanted, REQUIRED_USAGE_TYPES};

/// The most an error's review lookup may take; the send's own deadline bounds it too.
pub(crate) const REVIEW_LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);
/// Tencent keeps delivery receipts 7 days.
pub const RECEIPT_DAYS: i64 = 7;
const RECEIPTS_PER_CALL: u64 = 100;
/// Tencent's message types a config may name besides the four required ones.
const OPTIONAL_USAGE_TYPES: [&str; 5] = [
    "OrganizationInvitation",
    "UserPermissionValidation",
    "BindNewIdentifier",
    "MfaVerification",
    "BindMfa",
];

/// Tencent's review states.
fn status_name(code: i64) -> &'static str {
    match code {
        0 => "approved and live",
        1 => "under review",
        2 => "approved but not yet live",
        -1 => "rejected",
        _ => "in an unknown state",
    }
}

/// Tencent's review of a template or a sign: its `StatusCode` and `ReviewReply`.
#[derive(Debug, Clone)]
struct Review {
    status_code: i64,
    reply: String,
}

impl From<&TemplateStatus> for Review {
    fn from(template: &TemplateStatus) -> Self {
        Self {
            status_code: template.status_code,
            reply: template.review_reply.clone(),
        }
    }
}

impl From<&SignStatus> for Review {
    fn from(sign: &SignStatus) -> Self {
        Self {
            status_code: sign.status_code,
            reply: sign.review_reply.clone(),
        }
    }
}

/// A review as the console shows it: `under review (StatusCode 1): reply`.
fn describe_review(what: &str, review: &Review) -> String {
    let code = review.status_code;
    let reply = review.reply.as_str();
    let reply = if reply.is_empty() {
        String::new()
    } else {
        format!(": \"{reply}\"")
    };
    format!(
        "Tencent's review of {what}: {} (StatusCode {code}){reply}",
        status_name(code)
    )
}

/// Which review explains `failure`, if its Tencent code is about a template or a sign.
enum Subject<'a> {
    Template(&'a str),
    Sign(&'a str),
}

/// Adds Tencent's review of the template or sign that `failure` is about, looked up with one
/// read call (cached briefly) within `budget` (what is left of the send's deadline) and at most
/// [`REVIEW_LOOKUP_TIMEOUT`]; `failure` as it was when the lookup finds nothing or fails.
pub(crate) async fn with_review(
    client: &SmsClient,
    site: &Site,
    template: &Template,
    budget: Duration,
    failure: ConnectorFailure,
) -> ConnectorFailure {
    let sign_name = template
        .sign_name
        .as_deref()
        .or((!template.international).then_some(site.sign_name.as_str()));
    let subject = match failure.tencent_code() {
        Some(
            "FailedOperation.TemplateIncorrectOrUnapproved"
            | "FailedOperation.MissingTemplateToModify",
        ) => Subject::Template(&template.template_code),
        Some("FailedOperation.SignatureIncorrectOrUnapproved") => match sign_name {
            Some(sign) => Subject::Sign(sign),
            None => return failure,
        },
        _ => return failure,
    };
    let (what, key) = match subject {
        Subject::Template(id) => (
            format!("template {id}"),
            format!("{}|{}|t|{id}", site.endpoint.host_header, site.sdk_app_id),
        ),
        Subject::Sign(name) => (
            format!("sign {name}"),
            format!("{}|{}|s|{name}", site.endpoint.host_header, site.sdk_app_id),
        ),
    };
    let review = match client.reviews().get(&key) {
        Some(review) => review,
        None => {
            let lookup = look_up(client, site, &subject, template.international);
            let budget = budget.min(REVIEW_LOOKUP_TIMEOUT);
            let review = tokio::time::timeout(budget, lookup).await.ok().flatten();
            let review = review.map(|review| describe_review(&what, &review));
            client.reviews().put(key, review.clone());
            review
        }
    };
    match review {
        Some(review) => failure.with_note(&review),
        None => failure,
    }
}

async fn look_up(
    client: &SmsClient,
    site: &Site,
    subject: &Subject<'_>,
    international: bool,
) -> Option<Review> {
    match subject {
        Subject::Template(id) => templates(client, site, international, &[id])
            .await
            .ok()?
            .first()
            .map(Review::from),
        // One page: an error's lookup is one read call, and accounts have far fewer signs.
        Subject::Sign(name) => signs_page(client, site, international, 0)
            .await
            .ok()?
            .iter()
            .find(|sign| sign.sign_name == *name)
            .map(Review::from),
    }
}

/// `DescribeSmsTemplateList` for `ids` (numeric ones; others cannot exist at Tencent).
async fn templates(
    client: &SmsClient,
    site: &Site,
    international: bool,
    ids: &[&str],
) -> Result<Vec<TemplateStatus>, ConnectorFailure> {
    let ids: Vec<u64> = ids.iter().filter_map(|id| id.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let body = DescribeTemplateListRequest {
        international: Some(u64::from(international)),
        template_id_set: Some(ids),
    };
    let request = TencentRequest::action(site, "DescribeSmsTemplateList", &body);
    let response: DescribeTemplateListResponse = client.call(&request).await?;
    Ok(response.describe_template_status_set.unwrap_or_default())
}

/// Signs per `DescribeSmsSignList` page, Tencent's most.
const SIGNS_PER_PAGE: u64 = 100;

/// One page of `DescribeSmsSignList`.
async fn signs_page(
    client: &SmsClient,
    site: &Site,
    international: bool,
    page: u64,
) -> Result<Vec<SignStatus>, ConnectorFailure> {
    let body = DescribeSignListRequest {
        international: Some(u64::from(international)),
        sign_id_set: None,
        limit: Some(SIGNS_PER_PAGE),
        offset: Some(page * SIGNS_PER_PAGE),
    };
    let request = TencentRequest::action(site, "DescribeSmsSignList", &body);
    let response: DescribeSignListResponse = client.call(&request).await?;
    Ok(response.describe_sign_list_status_set.unwrap_or_default())
}

/// `DescribeSmsSignList`, every page (up to 1 000 signs).
async fn signs(
    client: &SmsClient,
    site: &Site,
    international: bool,
) -> Result<Vec<SignStatus>, ConnectorFailure> {
    let mut all = Vec::new();
    for page in 0..10u64 {
        let batch = signs_page(client, site, international, page).await?;
        let done = (batch.len() as u64) < SIGNS_PER_PAGE;
        all.extend(batch);
        if done {
            break;
        }
    }
    Ok(all)
}

/// One delivery receipt, as `tencent-sms status --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The `SerialNo` SendSms returned.
    pub serial_no: String,
    /// E.164.
    pub phone_number: String,
    /// `delivered`, `failed` or `pending`.
    pub status: &'static str,
    /// The carrier's code, e.g. `DELIVRD`.
    pub description: String,
    /// When it was sent (Unix seconds), when known.
    pub sent_at: Option<i64>,
    /// When the phone received it (Unix seconds).
    pub received_at: Option<i64>,
    /// `main` or `international`.
    pub site: &'static str,
}

/// The receipts of `to` (E.164) since `since` (Unix seconds, at most 7 days back) from every
/// site of `config`.
pub(crate) async fn delivery_receipts(
    client: &SmsClient,
    config: &ConnectorConfig,
    to: &str,
    since: i64,
    now: i64,
) -> Result<Vec<Receipt>, ConnectorFailure> {
    let since = since.max(now - RECEIPT_DAYS * 86_400 + 60);
    let mut receipts = Vec::new();
    for site in config.sites() {
        let international_site = config.is_international_site(site);
        let name = if international_site {
            "international"
        } else {
            "main"
        };
        for page in 0..50u64 {
            let body = PullSendStatusRequest {
                begin_time: Some(u64::try_from(since).unwrap_or(0)),
                end_time: Some(u64::try_from(now).unwrap_or(0)),
                offset: Some(page * RECEIPTS_PER_CALL),
                limit: Some(RECEIPTS_PER_CALL),
                phone_number: Some(to.into()),
                sms_sdk_app_id: Some(site.sdk_app_id.as_str().into()),
            };
            let request = TencentRequest::action(site, "PullSmsSendStatusByPhoneNumber", &body);
            let response: PullSendStatusResponse = client
                .call(&request)
                .await
                .map_err(|f| f.through_site(international_site))?;
            let batch = response.pull_sms_send_status_set.unwrap_or_default();
            let done = (batch.len() as u64) < RECEIPTS_PER_CALL;
            receipts.extend(batch.into_iter().map(|r| receipt(r, name)));
            if done {
                break;
            }
        }
    }
    receipts.sort_by_key(|r| r.received_at.unwrap_or(i64::MAX));
    Ok(receipts)
}

fn receipt(item: ReceiptStatus, site: &'static str) -> Receipt {
    let status = match item.report_status.as_str() {
        "SUCCESS" => "delivered",
        "FAIL" => "failed",
        _ => "pending",
    };
    Receipt {
        serial_no: item.serial_no,
        phone_number: item.phone_number,
        status,
        description: item.description,
        sent_at: None,
        received_at: item.user_receive_time,
        site,
    }
}

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
pub struct Check {
    /// What was checked, e.g. `template:1000001`.
    pub id: String,
    /// Whether it passed.
    pub ok: bool,
    /// Whether it could not run (a check it depends on failed); `ok` is then false and the
    /// message says which.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// The config key to change, e.g. `templates[2].templateCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
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
        let prefix = if international_site {
            "internationalSite."
        } else {
            ""
        };
        let label = if international_site {
            "internationalSite"
        } else {
            "main site"
        };
        let templates_here: Vec<&Template> = config
            .templates
            .iter()
            .filter(|t| {
                config.international_site.is_none() || t.international == international_site
            })
            .collect();
        if let Err(failed) = site_answers(client, site, prefix, label, &mut checks).await {
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
    types.extend(OPTIONAL_USAGE_TYPES.iter().filter(|t| {
        config
            .templates
            .iter()
            .any(|template| template.usage_type == **t)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_reads_as_the_console_shows_it() {
        let review = Review {
            status_code: -1,
            reply: "The sign does not match the company".to_owned(),
        };
        assert_eq!(
            describe_review("sign Logto", &review),
            "Tencent's review of sign Logto: rejected (StatusCode -1): \"The sign does not match the company\""
        );
    }
}
