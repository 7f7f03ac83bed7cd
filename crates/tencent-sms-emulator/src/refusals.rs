//! API requests the emulator refused, and why: the first thing a developer looks for when a
//! sign-in code never arrives. Read off each answer, so Tencent's checks, the SendSms rules and
//! injected Tencent errors are all recorded the same way.

use serde::Serialize;
use serde_json::Value;

/// One refused API request (or one refused number of a SendSms request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// RFC 3339, UTC.
    pub received_at: String,
    /// `X-TC-Action`, when the request named one.
    pub action: Option<String>,
    /// Tencent's error code, e.g. `AuthFailure.SignatureFailure`.
    pub code: String,
    /// Tencent's message.
    pub message: String,
    /// The number refused, for a per-number refusal in `SendStatusSet`.
    pub phone_number: Option<String>,
    /// The answer's `RequestId`.
    pub request_id: String,
}

/// Every refusal in one `{ "Response": … }` answer: its `Error`, or each number of its
/// `SendStatusSet` whose code is not `Ok`.
pub(crate) fn refusals_in(answer: &Value, action: Option<&str>, received_at: &str) -> Vec<Refusal> {
    let response = &answer["Response"];
    let request_id = response["RequestId"].as_str().unwrap_or_default();
    let refusal = |code: &Value, message: &Value, phone_number: Option<&str>| Refusal {
        received_at: received_at.to_owned(),
        action: action.map(str::to_owned),
        code: code.as_str().unwrap_or_default().to_owned(),
        message: message.as_str().unwrap_or_default().to_owned(),
        phone_number: phone_number.map(str::to_owned),
        request_id: request_id.to_owned(),
    };
    if let Some(error) = response.get("Error") {
        return vec![refusal(&error["Code"], &error["Message"], None)];
    }
    response["SendStatusSet"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|status| status["Code"] != "Ok")
        .map(|status| {
            refusal(
                &status["Code"],
                &status["Message"],
                status["PhoneNumber"].as_str(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_error_is_one_refusal() {
        let answer = json!({ "Response": { "Error": { "Code": "AuthFailure.SignatureFailure",
            "Message": "The signature does not match." }, "RequestId": "r-1" } });
        let refusals = refusals_in(&answer, Some("SendSms"), "2026-11-30T00:00:00.000Z");
        assert_eq!(
            refusals,
            [Refusal {
                received_at: "2026-11-30T00:00:00.000Z".into(),
                action: Some("SendSms".into()),
                code: "AuthFailure.SignatureFailure".into(),
                message: "The signature does not match.".into(),
                phone_number: None,
                request_id: "r-1".into(),
            }]
        );
    }

    #[test]
    fn each_number_refused_in_send_status_set_is_one_refusal() {
        let answer = json!({ "Response": { "RequestId": "r-2", "SendStatusSet": [
            { "PhoneNumber": "+8613711112222", "Code": "Ok", "Message": "send success" },
            { "PhoneNumber": "+8613711113333", "Code": "LimitExceeded.PhoneNumberThirtySecondLimit",
              "Message": "This number already got a message within the frequency limit." } ] } });
        let refusals = refusals_in(&answer, Some("SendSms"), "t");
        assert_eq!(refusals.len(), 1);
        assert_eq!(refusals[0].phone_number.as_deref(), Some("+8613711113333"));
        assert_eq!(
            refusals[0].code,
            "LimitExceeded.PhoneNumberThirtySecondLimit"
        );
    }

    #[test]
    fn a_success_is_no_refusal() {
        let answer = json!({ "Response": { "RequestId": "r-3", "SendStatusSet": [
            { "PhoneNumber": "+8613711112222", "Code": "Ok" } ] } });
        assert!(refusals_in(&answer, None, "t").is_empty());
    }
}
