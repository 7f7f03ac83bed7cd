//! The read-only actions a doctor and a status command call: `DescribeSmsTemplateList`,
//! `DescribeSmsSignList` and `PullSmsSendStatusByPhoneNumber`, in Tencent's shapes (the
//! parameters and fields of API 2021-01-11), so Tencent's own SDK calls them unchanged.

use serde_json::{json, Value};

use crate::api_error::ApiError;
use crate::state::EmulatorState;

/// When the emulated account created its templates and signs (a fixed, plausible time).
const CREATED_AT: i64 = 1_700_000_000;
/// Tencent answers at most this many receipts per call.
const MAX_RECEIPTS_PER_CALL: u64 = 100;
/// Receipts are kept 7 days at Tencent: an older `BeginTime` is refused.
const RECEIPT_DAYS: i64 = 7;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameterValue", message)
}

/// `International`: 0 mainland, 1 international.
fn international(params: &Value) -> Result<bool, ApiError> {
    match params.get("International").map(Value::as_u64) {
        None => Err(ApiError::missing("International")),
        Some(Some(0)) => Ok(false),
        Some(Some(1)) => Ok(true),
        Some(_) => Err(invalid("`International` must be 0 or 1.")),
    }
}

/// An optional set of numeric IDs (`TemplateIdSet`, `SignIdSet`).
fn id_set(params: &Value, name: &str) -> Result<Option<Vec<u64>>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_u64()
                    .ok_or_else(|| invalid(format!("`{name}` holds numbers only.")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(invalid(format!("`{name}` must be an array of numbers."))),
    }
}

/// `DescribeSmsTemplateList`: the account's templates of one kind, with their review state.
pub(crate) fn describe_templates(state: &EmulatorState, params: &Value) -> Result<Value, ApiError> {
    let international = international(params)?;
    let wanted = id_set(params, "TemplateIdSet")?;
    let set: Vec<Value> = state
        .options
        .apps
        .iter()
        .flat_map(|app| &app.templates)
        .filter(|t| t.international == international)
        .filter_map(|t| Some((t.template_id.parse::<u64>().ok()?, t)))
        .filter(|(id, _)| wanted.as_ref().is_none_or(|ids| ids.contains(id)))
        .map(|(id, t)| {
            json!({ "TemplateId": id, "International": u8::from(t.international), "StatusCode": t.status_code,
                "ReviewReply": t.review_reply.clone().unwrap_or_default(), "TemplateName": format!("Template {id}"),
                "CreateTime": CREATED_AT, "TemplateContent": t.content })
        })
        .collect();
    Ok(json!({ "DescribeTemplateStatusSet": set }))
}

/// `DescribeSmsSignList`: the account's signs, approved (`signNames`) and reviewed
/// (`signReviews`), numbered in that order.
pub(crate) fn describe_signs(state: &EmulatorState, params: &Value) -> Result<Value, ApiError> {
    let international = international(params)?;
    let wanted = id_set(params, "SignIdSet")?;
    let mut signs: Vec<(String, i32, String)> = Vec::new();
    for app in &state.options.apps {
        for name in &app.sign_names {
            signs.push((name.clone(), 0, String::new()));
        }
        for review in &app.sign_reviews {
            let reply = review.review_reply.clone().unwrap_or_default();
            signs.push((review.sign_name.clone(), review.status_code, reply));
        }
    }
    let set: Vec<Value> = signs
        .into_iter()
        .enumerate()
        .map(|(index, sign)| (index as u64 + 1, sign))
        .filter(|(id, _)| wanted.as_ref().is_none_or(|ids| ids.contains(id)))
        .map(|(id, (name, status, reply))| {
            json!({ "SignId": id, "International": u8::from(international), "StatusCode": status,
                "ReviewReply": reply, "SignName": name, "CreateTime": CREATED_AT })
        })
        .collect();
    Ok(json!({ "DescribeSignListStatusSet": set }))
}

/// `PullSmsSendStatusByPhoneNumber`: the receipts of one number's messages since `BeginTime`.
pub(crate) fn pull_status(
    state: &EmulatorState,
    params: &Value,
    now: i64,
) -> Result<Value, ApiError> {
    let number = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| ApiError::missing(name))
    };
    let begin = number("BeginTime")? as i64;
    let end = params
        .get("EndTime")
        .and_then(Value::as_u64)
        .map_or(now, |end| end as i64);
    let (offset, limit) = (number("Offset")?, number("Limit")?);
    if limit > MAX_RECEIPTS_PER_CALL {
        return Err(invalid(format!(
            "`Limit` must be at most {MAX_RECEIPTS_PER_CALL}."
        )));
    }
    if begin < now - RECEIPT_DAYS * 86_400 {
        return Err(invalid("`BeginTime` may be at most 7 days ago."));
    }
    let phone = params
        .get("PhoneNumber")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::missing("PhoneNumber"))?;
    let app = params
        .get("SmsSdkAppId")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::missing("SmsSdkAppId"))?;
    let set: Vec<Value> = state
        .messages()
        .into_iter()
        .filter(|m| m.phone_number == phone && m.sdk_app_id == app)
        .filter_map(|m| {
            let at = chrono::DateTime::parse_from_rfc3339(&m.received_at)
                .ok()?
                .timestamp();
            (begin..=end).contains(&at).then_some((at, m))
        })
        .skip(offset as usize)
        .take(limit as usize)
        .map(|(at, m)| {
            let country = crate::numbers::calling_code(&m.phone_number);
            let subscriber = m
                .phone_number
                .trim_start_matches('+')
                .strip_prefix(country)
                .unwrap_or_default()
                .to_owned();
            let report = if m.delivery.status == "delivered" {
                "SUCCESS"
            } else {
                "FAIL"
            };
            json!({ "UserReceiveTime": at, "CountryCode": country, "SubscriberNumber": subscriber,
                "PhoneNumber": m.phone_number, "SerialNo": m.serial_no, "ReportStatus": report,
                "Description": m.delivery.description, "SessionContext": "" })
        })
        .collect();
    Ok(json!({ "PullSmsSendStatusSet": set }))
}
