//! SendSms, a step a function: read the parameters, find the app and the template, check the
//! request as a whole (numbers, sign, parameter count), then answer each number in
//! `SendStatusSet` and bill what was delivered.

use std::borrow::Cow;

use serde_json::Value;
use tencent_sms_wire::{SendSmsRequest, SendSmsResponse, SendStatus};

use crate::api_error::ApiError;
use crate::inbox::{self, received_now, render, DeliveredMessage};
use crate::numbers::{iso_code, parse_destination, ParsedNumber};
use crate::options::{EmulatedApp, EmulatedTemplate};
use crate::params::{required, typed};
use crate::state::{EmulatorState, LedgerEntry};
use tencent_sms_wire::placeholder_count;

/// Tencent's limit of numbers per request.
const MAX_NUMBERS: usize = 200;

/// SendSms's parameters, read and checked.
struct SendSmsParams<'a> {
    numbers: Vec<String>,
    sdk_app_id: Cow<'a, str>,
    template_id: Cow<'a, str>,
    sign_name: Option<Cow<'a, str>>,
    template_params: Vec<String>,
    session_context: Cow<'a, str>,
}

/// The context every number of one request is answered in.
struct Delivery<'a> {
    state: &'a EmulatorState,
    params: &'a SendSmsParams<'a>,
    template: &'a EmulatedTemplate,
    request_id: &'a str,
}

pub(crate) fn send_sms(
    state: &EmulatorState,
    params: &Value,
    request_id: &str,
    now: i64,
) -> Result<Value, ApiError> {
    let params = read_params(params)?;
    let (app, template) = app_and_template(state, &params)?;
    let destinations: Vec<Option<ParsedNumber>> = params
        .numbers
        .iter()
        .map(|n| parse_destination(n))
        .collect();
    let any_mainland = not_mixed(&destinations)?;
    check_sign(app, params.sign_name.as_deref(), any_mainland)?;
    check_param_count(template, &params.template_params)?;
    let delivery = Delivery {
        state,
        params: &params,
        template,
        request_id,
    };
    let statuses: Vec<SendStatus> = params
        .numbers
        .iter()
        .zip(destinations)
        .map(|(raw, number)| delivery.answer(raw, number))
        .collect();
    bill(state, &params.sdk_app_id, &statuses, now);
    let answer = SendSmsResponse {
        send_status_set: Some(statuses),
        ..SendSmsResponse::default()
    };
    Ok(serde_json::to_value(answer).expect("the answer serializes"))
}

fn read_params(params: &Value) -> Result<SendSmsParams<'_>, ApiError> {
    let request: SendSmsRequest<'_> = typed(params)?;
    let numbers: Vec<String> = required(request.phone_number_set, "PhoneNumberSet")?
        .into_iter()
        .map(String::from)
        .collect();
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
    Ok(SendSmsParams {
        numbers,
        sdk_app_id: required(request.sms_sdk_app_id, "SmsSdkAppId")?,
        template_id: required(request.template_id, "TemplateId")?,
        sign_name: request.sign_name.filter(|s| !s.is_empty()),
        template_params: request
            .template_param_set
            .unwrap_or_default()
            .into_iter()
            .map(String::from)
            .collect(),
        session_context: request.session_context.unwrap_or_default(),
    })
}

fn app_and_template<'s>(
    state: &'s EmulatorState,
    params: &SendSmsParams<'_>,
) -> Result<(&'s EmulatedApp, &'s EmulatedTemplate), ApiError> {
    let app = state
        .options
        .apps
        .iter()
        .find(|app| app.sdk_app_id == params.sdk_app_id)
        .ok_or_else(|| {
            ApiError::new(
                "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
                "The SmsSdkAppId does not belong to this account.",
            )
        })?;
    let template = app
        .templates
        .iter()
        .find(|t| t.template_id == params.template_id && t.status_code == 0)
        .ok_or_else(|| {
            ApiError::new(
                "FailedOperation.TemplateIncorrectOrUnapproved",
                "The template is not approved or does not exist.",
            )
        })?;
    Ok((app, template))
}

/// Whether any number is mainland China; refuses a request that mixes both kinds.
fn not_mixed(destinations: &[Option<ParsedNumber>]) -> Result<bool, ApiError> {
    let any_mainland = destinations.iter().flatten().any(|n| n.mainland);
    if any_mainland && destinations.iter().flatten().any(|n| !n.mainland) {
        return Err(ApiError::new(
            "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
            "A request may not mix mainland China and international numbers.",
        ));
    }
    Ok(any_mainland)
}

/// Mainland numbers need a sign; any sign sent must be approved.
fn check_sign(
    app: &EmulatedApp,
    sign_name: Option<&str>,
    any_mainland: bool,
) -> Result<(), ApiError> {
    match sign_name {
        None if any_mainland => Err(ApiError::new(
            "FailedOperation.SignatureIncorrectOrUnapproved",
            "SignName is required for mainland China numbers.",
        )),
        Some(sign) if !sign_usable(app, sign) => Err(ApiError::new(
            "FailedOperation.SignatureIncorrectOrUnapproved",
            format!("The sign name `{sign}` is not approved."),
        )),
        _ => Ok(()),
    }
}

/// An approved sign, or one whose review says it is usable.
fn sign_usable(app: &EmulatedApp, sign: &str) -> bool {
    let reviewed = app.sign_reviews.iter().find(|r| r.sign_name == sign);
    match reviewed {
        Some(review) => review.status_code == 0,
        None => app.sign_names.iter().any(|s| s == sign),
    }
}

fn check_param_count(template: &EmulatedTemplate, params: &[String]) -> Result<(), ApiError> {
    let expected = placeholder_count(&template.content);
    if params.len() == expected {
        return Ok(());
    }
    Err(ApiError::new(
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        format!(
            "The template takes {expected} parameter(s); {} were sent.",
            params.len()
        ),
    ))
}

impl Delivery<'_> {
    /// One number's `SendStatusSet` entry: refused, or delivered to the inbox.
    fn answer(&self, raw: &str, number: Option<ParsedNumber>) -> SendStatus {
        let Some(number) = number else {
            return self.status(
                raw,
                "InvalidParameterValue.IncorrectPhoneNumber",
                "The phone number is malformed.",
            );
        };
        match self.refusal(&number) {
            Some((code, message)) => self.status(raw, code, message),
            None => self.deliver(number),
        }
    }

    /// Why a well-formed number is refused, per Tencent's rules (template region, frequency).
    fn refusal(&self, number: &ParsedNumber) -> Option<(&'static str, &'static str)> {
        if self.template.international && number.mainland {
            return Some((
                "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
                "An international template cannot be sent to a mainland China number.",
            ));
        }
        if !self.template.international && !number.mainland {
            return Some((
                "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
                "A mainland China template cannot be sent to an international number.",
            ));
        }
        if !self.state.admit_send(&number.e164) {
            return Some((
                "LimitExceeded.PhoneNumberThirtySecondLimit",
                "This number already got a message within the frequency limit.",
            ));
        }
        None
    }

    fn status(&self, raw: &str, code: &str, message: &str) -> SendStatus {
        SendStatus {
            phone_number: raw.to_owned(),
            session_context: self.params.session_context.to_string(),
            code: code.to_owned(),
            message: message.to_owned(),
            ..SendStatus::default()
        }
    }

    fn deliver(&self, number: ParsedNumber) -> SendStatus {
        let params = self.params;
        let content = render(
            &self.template.content,
            &params.template_params,
            params.sign_name.as_deref(),
        );
        let fee = fee_of(&content);
        let serial_no = self.state.serial_no();
        let iso = iso_code(&number.e164);
        let failure = self
            .state
            .options
            .delivery_failures
            .iter()
            .find(|f| number.e164.starts_with(&f.prefix));
        self.state.deliver(DeliveredMessage {
            delivery: match failure {
                Some(failure) => inbox::Delivery::failed(&failure.description),
                None => inbox::Delivery::delivered(),
            },
            phone_number: number.e164.clone(),
            iso_code: iso.clone(),
            sdk_app_id: params.sdk_app_id.to_string(),
            sign_name: params.sign_name.as_deref().map(str::to_owned),
            template_id: params.template_id.to_string(),
            params: params.template_params.clone(),
            content,
            request_id: self.request_id.to_owned(),
            serial_no: serial_no.clone(),
            received_at: received_now(),
        });
        SendStatus {
            serial_no,
            phone_number: number.e164,
            fee: fee as u64,
            session_context: params.session_context.to_string(),
            code: "Ok".to_owned(),
            message: "send success".to_owned(),
            iso_code: iso,
        }
    }
}

/// Tencent bills 70 characters as one message, and longer texts in parts of 67.
fn fee_of(content: &str) -> usize {
    let chars = content.chars().count();
    if chars <= 70 {
        1
    } else {
        chars.div_ceil(67)
    }
}

/// Records the request's counts for SendStatusStatistics.
fn bill(state: &EmulatorState, sdk_app_id: &str, statuses: &[SendStatus], now: i64) {
    let fees: Vec<u64> = statuses
        .iter()
        .filter(|s| s.code == "Ok")
        .map(|s| s.fee)
        .collect();
    state.record(
        sdk_app_id,
        LedgerEntry {
            at: now,
            requested: statuses.len() as u64,
            succeeded: fees.len() as u64,
            fee: fees.iter().sum(),
        },
    );
}
