//! The Tencent Cloud API surface: common checks (action, version, region, signature), then
//! SendSms with Tencent's rules and codes. Every answer is HTTP 200 with a `Response` body.

use hyper::HeaderMap;
use serde_json::{json, Value};
use tencent_sms_tc3::{is_valid_region, VERSION};

use crate::api_error::ApiError;
use crate::describe;
use crate::params::{required, typed};
use crate::roles::assume_role_with_web_identity;
use crate::send_sms::send_sms;
use crate::state::EmulatorState;
use crate::verify::{header, verify_signature};
use tencent_sms_wire::action::{self, ASSUME_ROLE_WITH_WEB_IDENTITY};
use tencent_sms_wire::{
    ErrorBody, SendStatusStatistics, SendStatusStatisticsRequest, SendStatusStatisticsResponse,
};

/// `{"Error": {…}}`: the whole request refused.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorAnswer {
    error: ErrorBody,
}

/// Handles one API request and returns the whole `{ "Response": … }` body.
pub(crate) fn handle_api(
    state: &EmulatorState,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Value {
    let request_id = state.request_id();
    let mut response = match dispatch(state, headers, body, now, &request_id) {
        Ok(response) => response,
        Err(error) => serde_json::to_value(ErrorAnswer {
            error: ErrorBody {
                code: error.code,
                message: error.message,
            },
        })
        .expect("the error serializes"),
    };
    response["RequestId"] = Value::String(request_id);
    json!({ "Response": response })
}

/// The common parameters every Tencent Cloud API checks first, then the action itself.
fn dispatch(
    state: &EmulatorState,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
    request_id: &str,
) -> Result<Value, ApiError> {
    if header(headers, "x-tc-action") == Some(ASSUME_ROLE_WITH_WEB_IDENTITY) {
        return assume_role_with_web_identity(state, headers, body, now);
    }
    let action = supported_action(headers)?;
    check_version(headers)?;
    check_region(headers)?;
    verify_signature(
        headers,
        body,
        |secret_id| state.credential(secret_id),
        now,
        state.options.max_clock_skew_seconds,
    )?;
    let params = json_object(body)?;
    match action {
        Action::SendStatusStatistics => send_status_statistics(state, &params),
        Action::DescribeSmsTemplateList => describe::describe_templates(state, &params),
        Action::DescribeSmsSignList => describe::describe_signs(state, &params),
        Action::PullSmsSendStatusByPhoneNumber => describe::pull_status(state, &params, now),
        Action::SendSms => send_sms(state, &params, request_id, now),
    }
}

/// The actions this emulator answers.
enum Action {
    SendSms,
    SendStatusStatistics,
    DescribeSmsTemplateList,
    DescribeSmsSignList,
    PullSmsSendStatusByPhoneNumber,
}

fn supported_action(headers: &HeaderMap) -> Result<Action, ApiError> {
    match header(headers, "x-tc-action") {
        Some(action::SEND_SMS) => Ok(Action::SendSms),
        Some(action::SEND_STATUS_STATISTICS) => Ok(Action::SendStatusStatistics),
        Some(action::DESCRIBE_SMS_TEMPLATE_LIST) => Ok(Action::DescribeSmsTemplateList),
        Some(action::DESCRIBE_SMS_SIGN_LIST) => Ok(Action::DescribeSmsSignList),
        Some(action::PULL_SMS_SEND_STATUS_BY_PHONE_NUMBER) => {
            Ok(Action::PullSmsSendStatusByPhoneNumber)
        }
        Some(other) => Err(ApiError::new(
            "InvalidAction",
            format!("The action `{other}` is not supported by this emulator."),
        )),
        None => Err(ApiError::missing("Action")),
    }
}

fn check_version(headers: &HeaderMap) -> Result<(), ApiError> {
    match header(headers, "x-tc-version") {
        Some(VERSION) => Ok(()),
        Some(other) => Err(ApiError::new(
            "NoSuchVersion",
            format!("The version `{other}` does not exist; use {VERSION}."),
        )),
        None => Err(ApiError::missing("Version")),
    }
}

fn check_region(headers: &HeaderMap) -> Result<(), ApiError> {
    let region = header(headers, "x-tc-region").ok_or_else(|| ApiError::missing("Region"))?;
    if is_valid_region(region) {
        return Ok(());
    }
    Err(ApiError::new(
        "UnsupportedRegion",
        format!("The region `{region}` is not supported."),
    ))
}

fn json_object(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| {
            ApiError::new(
                "FailedOperation.JsonParseFail",
                "The request body is not a JSON object.",
            )
        })
}

/// `yyyymmddhh` in Beijing time → Unix seconds at the start of that hour.
fn beijing_hour_start(text: &str) -> Option<i64> {
    if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let naive =
        chrono::NaiveDateTime::parse_from_str(&format!("{text}0000"), "%Y%m%d%H%M%S").ok()?;
    Some(naive.and_utc().timestamp() - 8 * 3600)
}

fn send_status_statistics(state: &EmulatorState, params: &Value) -> Result<Value, ApiError> {
    let request: SendStatusStatisticsRequest<'_> = typed(params)?;
    let begin = required(request.begin_time, "BeginTime")?;
    let end = required(request.end_time, "EndTime")?;
    let sdk_app_id = required(request.sms_sdk_app_id, "SmsSdkAppId")?;
    required(request.limit, "Limit")?;
    required(request.offset, "Offset")?;
    let bad_time = |name: &str| {
        ApiError::new(
            "InvalidParameterValue",
            format!("`{name}` must be yyyymmddhh."),
        )
    };
    let from = beijing_hour_start(&begin).ok_or_else(|| bad_time("BeginTime"))?;
    let until = beijing_hour_start(&end).ok_or_else(|| bad_time("EndTime"))? + 3600;
    if until <= from {
        return Err(ApiError::new(
            "InvalidParameterValue",
            "EndTime must not be before BeginTime.",
        ));
    }
    if !state
        .options
        .apps
        .iter()
        .any(|app| app.sdk_app_id == sdk_app_id)
    {
        return Err(ApiError::new(
            "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
            "The SmsSdkAppId does not belong to this account.",
        ));
    }
    let (requested, succeeded, fee) = state.statistics(&sdk_app_id, from, until);
    let answer = SendStatusStatisticsResponse {
        send_status_statistics: Some(SendStatusStatistics {
            fee_count: Some(fee),
            request_count: requested,
            request_success_count: succeeded,
        }),
        ..Default::default()
    };
    Ok(serde_json::to_value(answer).expect("the answer serializes"))
}
