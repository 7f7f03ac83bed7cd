//! The read-only actions a doctor and a status command call: `DescribeSmsTemplateList`,
//! `DescribeSmsSignList` and `PullSmsSendStatusByPhoneNumber`, in Tencent's shapes (the
//! parameters and fields of API 2021-01-11), so Tencent's own SDK calls them unchanged.

use serde_json::Value;
use tencent_sms_wire::{
    DescribeSignListRequest, DescribeSignListResponse, DescribeTemplateListRequest,
    DescribeTemplateListResponse, PullSendStatusRequest, PullSendStatusResponse, ReceiptStatus,
    SignStatus, TemplateStatus,
};

use crate::api_error::ApiError;
use crate::params::{required, typed};
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
fn international(value: Option<u64>) -> Result<bool, ApiError> {
    match required(value, "International")? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(invalid("`International` must be 0 or 1.")),
    }
}

/// Whether `id` is wanted by an optional id set (`TemplateIdSet`, `SignIdSet`).
fn wanted(ids: Option<&Vec<u64>>, id: u64) -> bool {
    ids.is_none_or(|ids| ids.contains(&id))
}

/// The answer as the body's `Response` object.
fn answer<T: serde::Serialize>(answer: T) -> Value {
    serde_json::to_value(answer).expect("the answer serializes")
}

/// `DescribeSmsTemplateList`: the account's templates of one kind, with their review state.
pub(crate) fn describe_templates(state: &EmulatorState, params: &Value) -> Result<Value, ApiError> {
    let request: DescribeTemplateListRequest = typed(params)?;
    let international = international(request.international)?;
    let set: Vec<TemplateStatus> = state
        .options
        .apps
        .iter()
        .flat_map(|app| &app.templates)
        .filter(|t| t.international == international)
        .filter_map(|t| Some((t.template_id.parse::<u64>().ok()?, t)))
        .filter(|(id, _)| wanted(request.template_id_set.as_ref(), *id))
        .map(|(id, t)| TemplateStatus {
            template_id: id,
            international: u8::from(t.international),
            status_code: i64::from(t.status_code),
            review_reply: t.review_reply.clone().unwrap_or_default(),
            template_name: format!("Template {id}"),
            create_time: CREATED_AT,
            template_content: t.content.clone(),
        })
        .collect();
    Ok(answer(DescribeTemplateListResponse {
        describe_template_status_set: Some(set),
        ..Default::default()
    }))
}

/// `DescribeSmsSignList`: the account's signs, approved (`signNames`) and reviewed
/// (`signReviews`), numbered in that order.
pub(crate) fn describe_signs(state: &EmulatorState, params: &Value) -> Result<Value, ApiError> {
    let request: DescribeSignListRequest = typed(params)?;
    let international = international(request.international)?;
    let mut signs: Vec<(String, i64, String)> = Vec::new();
    for app in &state.options.apps {
        for name in &app.sign_names {
            signs.push((name.clone(), 0, String::new()));
        }
        for review in &app.sign_reviews {
            let reply = review.review_reply.clone().unwrap_or_default();
            signs.push((
                review.sign_name.clone(),
                i64::from(review.status_code),
                reply,
            ));
        }
    }
    let set: Vec<SignStatus> = signs
        .into_iter()
        .enumerate()
        .map(|(index, sign)| (index as u64 + 1, sign))
        .filter(|(id, _)| wanted(request.sign_id_set.as_ref(), *id))
        .map(|(id, (name, status, reply))| SignStatus {
            sign_id: id,
            international: u8::from(international),
            status_code: status,
            review_reply: reply,
            sign_name: name,
            create_time: CREATED_AT,
        })
        .collect();
    Ok(answer(DescribeSignListResponse {
        describe_sign_list_status_set: Some(set),
        ..Default::default()
    }))
}

/// `PullSmsSendStatusByPhoneNumber`: the receipts of one number's messages since `BeginTime`.
pub(crate) fn pull_status(
    state: &EmulatorState,
    params: &Value,
    now: i64,
) -> Result<Value, ApiError> {
    let request: PullSendStatusRequest<'_> = typed(params)?;
    let begin = required(request.begin_time, "BeginTime")? as i64;
    let end = request.end_time.map_or(now, |end| end as i64);
    let (offset, limit) = (
        required(request.offset, "Offset")?,
        required(request.limit, "Limit")?,
    );
    if limit > MAX_RECEIPTS_PER_CALL {
        return Err(invalid(format!(
            "`Limit` must be at most {MAX_RECEIPTS_PER_CALL}."
        )));
    }
    if begin < now - RECEIPT_DAYS * 86_400 {
        return Err(invalid("`BeginTime` may be at most 7 days ago."));
    }
    let phone = required(request.phone_number, "PhoneNumber")?;
    let app = required(request.sms_sdk_app_id, "SmsSdkAppId")?;
    let set: Vec<ReceiptStatus> = state
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
                .strip_prefix(country.as_str())
                .unwrap_or_default()
                .to_owned();
            let report = if m.delivery.status == "delivered" {
                "SUCCESS"
            } else {
                "FAIL"
            };
            ReceiptStatus {
                user_receive_time: Some(at),
                country_code: country,
                subscriber_number: subscriber,
                phone_number: m.phone_number.clone(),
                serial_no: m.serial_no.clone(),
                report_status: report.to_owned(),
                description: m.delivery.description.clone(),
                session_context: String::new(),
            }
        })
        .collect();
    Ok(answer(PullSendStatusResponse {
        pull_sms_send_status_set: Some(set),
        ..Default::default()
    }))
}
