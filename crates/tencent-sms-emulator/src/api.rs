//! The Tencent Cloud API surface: common checks (action, version, region, signature), then
//! SendSms with Tencent's rules and codes. Every answer is HTTP 200 with a `Response` body.

use hyper::HeaderMap;
use serde_json::{json, Value};
use tencent_sms_tc3::{is_valid_region, VERSION};

use crate::api_error::ApiError;
use crate::inbox::{placeholder_count, render, DeliveredMessage};
use crate::numbers::{iso_code, parse_destination};
use crate::state::{EmulatorState, LedgerEntry};
use crate::verify::{header, verify_signature};

const MAX_NUMBERS: usize = 200;

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
        Err(error) => json!({ "Error": { "Code": error.code, "Message": error.message } }),
    };
    response["RequestId"] = Value::String(request_id);
    json!({ "Response": response })
}

fn dispatch(
    state: &EmulatorState,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
    request_id: &str,
) -> Result<Value, ApiError> {
    let action = header(headers, "x-tc-action").ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Action`.",
        )
    })?;
    if action != "SendSms" && action != "SendStatusStatistics" {
        return Err(ApiError::new(
            "InvalidAction",
            format!("The action `{action}` is not supported by this emulator."),
        ));
    }
    match header(headers, "x-tc-version") {
        Some(VERSION) => {}
        Some(other) => {
            return Err(ApiError::new(
                "NoSuchVersion",
                format!("The version `{other}` does not exist; use {VERSION}."),
            ))
        }
        None => {
            return Err(ApiError::new(
                "MissingParameter",
                "The request is missing a required parameter `Version`.",
            ))
        }
    }
    let region = header(headers, "x-tc-region").ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Region`.",
        )
    })?;
    if !is_valid_region(region) {
        return Err(ApiError::new(
            "UnsupportedRegion",
            format!("The region `{region}` is not supported."),
        ));
    }
    verify_signature(
        headers,
        body,
        &state.options.credentials,
        now,
        state.options.max_clock_skew_seconds,
    )?;
    let params: Value = serde_json::from_slice(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| {
            ApiError::new(
                "FailedOperation.JsonParseFail",
                "The request body is not a JSON object.",
            )
        })?;
    if action == "SendStatusStatistics" {
        return send_status_statistics(state, &params);
    }
    send_sms(state, &params, request_id, now)
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
    let begin = string_param(params, "BeginTime")?.ok_or_else(|| missing("BeginTime"))?;
    let end = string_param(params, "EndTime")?.ok_or_else(|| missing("EndTime"))?;
    let sdk_app_id = string_param(params, "SmsSdkAppId")?.ok_or_else(|| missing("SmsSdkAppId"))?;
    for name in ["Limit", "Offset"] {
        if !params.get(name).is_some_and(Value::is_u64) {
            return Err(missing(name));
        }
    }
    let bad_time = |name: &str| {
        ApiError::new(
            "InvalidParameterValue",
            format!("`{name}` must be yyyymmddhh."),
        )
    };
    let from = beijing_hour_start(begin).ok_or_else(|| bad_time("BeginTime"))?;
    let until = beijing_hour_start(end).ok_or_else(|| bad_time("EndTime"))? + 3600;
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
    let (requested, succeeded, fee) = state.statistics(sdk_app_id, from, until);
    Ok(
        json!({ "SendStatusStatistics": { "FeeCount": fee, "RequestCount": requested, "RequestSuccessCount": succeeded } }),
    )
}

fn missing(name: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!("The request is missing a required parameter `{name}`."),
    )
}

fn invalid(name: &str) -> ApiError {
    ApiError::new(
        "InvalidParameter",
        format!("The parameter `{name}` has the wrong type."),
    )
}

fn string_param<'a>(params: &'a Value, name: &str) -> Result<Option<&'a str>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(name)),
    }
}

fn string_list(params: &Value, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| invalid(name)))
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(invalid(name)),
    }
}

fn send_sms(
    state: &EmulatorState,
    params: &Value,
    request_id: &str,
    now: i64,
) -> Result<Value, ApiError> {
    let numbers =
        string_list(params, "PhoneNumberSet")?.ok_or_else(|| missing("PhoneNumberSet"))?;
    if numbers.is_empty() {
        return Err(ApiError::new(
            "MissingParameter.EmptyPhoneNumberSet",
            "The PhoneNumberSet is empty.",
        ));
    }
    if numbers.len() > MAX_NUMBERS {
        return Err(ApiError::new(
            "LimitExceeded.PhoneNumberCountLimit",
            "At most 200 phone numbers per request.",
        ));
    }
    let sdk_app_id = string_param(params, "SmsSdkAppId")?.ok_or_else(|| missing("SmsSdkAppId"))?;
    let template_id = string_param(params, "TemplateId")?.ok_or_else(|| missing("TemplateId"))?;
    let sign_name = string_param(params, "SignName")?.filter(|s| !s.is_empty());
    let template_params = string_list(params, "TemplateParamSet")?.unwrap_or_default();
    for optional in ["SenderId", "ExtendCode"] {
        string_param(params, optional)?;
    }
    let session_context = string_param(params, "SessionContext")?.unwrap_or_default();

    let app = state
        .options
        .apps
        .iter()
        .find(|app| app.sdk_app_id == sdk_app_id)
        .ok_or_else(|| {
            ApiError::new(
                "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
                "The SmsSdkAppId does not belong to this account.",
            )
        })?;
    let template = app
        .templates
        .iter()
        .find(|t| t.template_id == template_id)
        .ok_or_else(|| {
            ApiError::new(
                "FailedOperation.TemplateIncorrectOrUnapproved",
                "The template is not approved or does not exist.",
            )
        })?;

    let parsed: Vec<_> = numbers.iter().map(|n| parse_destination(n)).collect();
    let any_mainland = parsed.iter().flatten().any(|n| n.mainland);
    if any_mainland && parsed.iter().flatten().any(|n| !n.mainland) {
        return Err(ApiError::new(
            "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
            "A request may not mix mainland China and international numbers.",
        ));
    }
    match sign_name {
        None if any_mainland => {
            return Err(ApiError::new(
                "FailedOperation.SignatureIncorrectOrUnapproved",
                "SignName is required for mainland China numbers.",
            ));
        }
        Some(sign) if !app.sign_names.iter().any(|s| s == sign) => {
            return Err(ApiError::new(
                "FailedOperation.SignatureIncorrectOrUnapproved",
                format!("The sign name `{sign}` is not approved."),
            ));
        }
        _ => {}
    }
    let expected = placeholder_count(&template.content);
    if template_params.len() != expected {
        return Err(ApiError::new(
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
            format!(
                "The template takes {expected} parameter(s); {} were sent.",
                template_params.len()
            ),
        ));
    }

    let mut statuses = Vec::with_capacity(numbers.len());
    for (raw, number) in numbers.iter().zip(parsed) {
        let status = |code: &str, message: &str| {
            json!({ "SerialNo": "", "PhoneNumber": raw, "Fee": 0, "SessionContext": session_context,
                    "Code": code, "Message": message, "IsoCode": "" })
        };
        let Some(number) = number else {
            statuses.push(status(
                "InvalidParameterValue.IncorrectPhoneNumber",
                "The phone number is malformed.",
            ));
            continue;
        };
        if template.international && number.mainland {
            statuses.push(status(
                "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
                "An international template cannot be sent to a mainland China number.",
            ));
            continue;
        }
        if !template.international && !number.mainland {
            statuses.push(status(
                "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
                "A mainland China template cannot be sent to an international number.",
            ));
            continue;
        }
        if !state.admit_send(&number.e164) {
            statuses.push(status(
                "LimitExceeded.PhoneNumberThirtySecondLimit",
                "This number already got a message within the frequency limit.",
            ));
            continue;
        }
        let content = render(&template.content, &template_params, sign_name);
        let serial_no = state.serial_no();
        let fee = if content.chars().count() <= 70 {
            1
        } else {
            content.chars().count().div_ceil(67)
        };
        state.deliver(DeliveredMessage {
            phone_number: number.e164.clone(),
            iso_code: iso_code(&number.e164).to_owned(),
            sdk_app_id: sdk_app_id.to_owned(),
            sign_name: sign_name.map(str::to_owned),
            template_id: template_id.to_owned(),
            params: template_params.clone(),
            content,
            request_id: request_id.to_owned(),
            serial_no: serial_no.clone(),
            received_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        statuses.push(json!({ "SerialNo": serial_no, "PhoneNumber": number.e164, "Fee": fee,
            "SessionContext": session_context, "Code": "Ok", "Message": "send success", "IsoCode": iso_code(&number.e164) }));
    }
    let succeeded: Vec<u64> = statuses
        .iter()
        .filter(|s| s["Code"] == "Ok")
        .filter_map(|s| s["Fee"].as_u64())
        .collect();
    state.record(
        sdk_app_id,
        LedgerEntry {
            at: now,
            requested: statuses.len() as u64,
            succeeded: succeeded.len() as u64,
            fee: succeeded.iter().sum(),
        },
    );
    Ok(json!({ "SendStatusSet": statuses }))
}
