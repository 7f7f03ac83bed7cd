//! Parsing Tencent's answers to SendSms and SendStatusStatistics.
//!
//! A 200 can still be a failure twice over: `Response.Error` for the whole request, or a
//! non-`Ok` code in `SendStatusSet` for the number. Anything else is a malformed response.

use serde::Serialize;
use serde_json::Value;

use crate::failure::ConnectorFailure;
use crate::failure::ErrorCode;

/// Bodies above this are refused unread: a real SendSms answer is well under 1 KiB.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// What `sendMessage` resolves with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendResult {
    /// Tencent's `RequestId`, for support tickets.
    pub request_id: String,
    /// Tencent's `SerialNo` of the message.
    pub serial_no: String,
    /// The number as Tencent recorded it (E.164).
    pub phone_number: String,
    /// Billed messages (a long text is split and billed per part).
    pub fee: u64,
    /// The destination's country code, e.g. `CN`.
    pub iso_code: String,
}

/// A well-formed answer: done, or refused with a Tencent code.
#[derive(Debug, Clone, PartialEq)]
pub enum TencentReply<T> {
    /// Tencent did it; `T` is what it answered (the send's result, a count).
    Success(T),
    /// Tencent refused: its error code and message.
    Refused {
        /// `Response.Error.Code`, e.g. `FailedOperation.TemplateIncorrectOrUnapproved`.
        code: String,
        /// `Response.Error.Message`.
        message: String,
        /// `Response.RequestId`.
        request_id: Option<String>,
    },
}

fn malformed(what: &str) -> ConnectorFailure {
    ConnectorFailure::new(
        ErrorCode::InvalidResponse,
        format!("Tencent SMS returned a malformed response: {what}"),
    )
}

fn string_field(object: &Value, name: &str) -> Option<String> {
    object.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// The `Response` object, or the refusal in `Response.Error`.
fn parse_envelope(
    body: &[u8],
) -> Result<Result<Value, TencentReply<std::convert::Infallible>>, ConnectorFailure> {
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(malformed("the body is larger than 1 MiB"));
    }
    let mut root: Value =
        serde_json::from_slice(body).map_err(|_| malformed("the body is not JSON"))?;
    let response = root
        .get_mut("Response")
        .filter(|r| r.is_object())
        .map(Value::take)
        .ok_or_else(|| malformed("no `Response` object"))?;
    if let Some(error) = response.get("Error") {
        let code = string_field(error, "Code")
            .ok_or_else(|| malformed("`Response.Error` has no `Code`"))?;
        return Ok(Err(TencentReply::Refused {
            code,
            message: string_field(error, "Message").unwrap_or_default(),
            request_id: string_field(&response, "RequestId"),
        }));
    }
    Ok(Ok(response))
}

/// Re-types a refusal, which carries no `T`.
fn refused<T>(reply: TencentReply<std::convert::Infallible>) -> TencentReply<T> {
    match reply {
        TencentReply::Refused {
            code,
            message,
            request_id,
        } => TencentReply::Refused {
            code,
            message,
            request_id,
        },
        TencentReply::Success(never) => match never {},
    }
}

/// Parses any action's response body: its `Response` object, or the refusal.
pub fn parse_any_response(body: &[u8]) -> Result<TencentReply<Value>, ConnectorFailure> {
    Ok(match parse_envelope(body)? {
        Ok(response) => TencentReply::Success(response),
        Err(refusal) => refused(refusal),
    })
}

/// Parses a SendSms response body.
pub fn parse_send_sms_response(body: &[u8]) -> Result<TencentReply<SendResult>, ConnectorFailure> {
    let response = match parse_envelope(body)? {
        Ok(response) => response,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let request_id = string_field(&response, "RequestId");
    let status = response
        .get("SendStatusSet")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("no `SendStatusSet`"))?
        .first()
        .filter(|s| s.is_object())
        .ok_or_else(|| malformed("`SendStatusSet` is empty"))?;
    let code = string_field(status, "Code")
        .ok_or_else(|| malformed("`SendStatusSet[0]` has no `Code`"))?;
    if !code.eq_ignore_ascii_case("ok") {
        return Ok(TencentReply::Refused {
            code,
            message: string_field(status, "Message").unwrap_or_default(),
            request_id,
        });
    }
    Ok(TencentReply::Success(SendResult {
        request_id: request_id.unwrap_or_default(),
        serial_no: string_field(status, "SerialNo").unwrap_or_default(),
        phone_number: string_field(status, "PhoneNumber").unwrap_or_default(),
        fee: status.get("Fee").and_then(Value::as_u64).unwrap_or(0),
        iso_code: string_field(status, "IsoCode").unwrap_or_default(),
    }))
}

/// Parses a SendStatusStatistics response body: the billed message count (`FeeCount`).
pub fn parse_usage_response(body: &[u8]) -> Result<TencentReply<u64>, ConnectorFailure> {
    let response = match parse_envelope(body)? {
        Ok(response) => response,
        Err(refusal) => return Ok(refused(refusal)),
    };
    response
        .get("SendStatusStatistics")
        .and_then(|s| s.get("FeeCount"))
        .and_then(Value::as_u64)
        .map(TencentReply::Success)
        .ok_or_else(|| malformed("no `SendStatusStatistics.FeeCount`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_read_from_send_status_set() {
        let body = br#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aa"}}"#;
        let TencentReply::Success(result) = parse_send_sms_response(body).unwrap() else {
            panic!("expected success");
        };
        assert_eq!(result.request_id, "a0aa");
        assert_eq!(result.serial_no, "5000:1");
        assert_eq!(result.fee, 1);
        assert_eq!(result.iso_code, "CN");
    }

    #[test]
    fn per_number_failure_is_a_refusal() {
        let body = br#"{"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"15534472018","Fee":0,"Code":"FailedOperation.TemplateIncorrectOrUnapproved","Message":"template is not approved","IsoCode":""}],"RequestId":"b09c"}}"#;
        assert!(matches!(
            parse_send_sms_response(body).unwrap(),
            TencentReply::Refused { code, .. } if code == "FailedOperation.TemplateIncorrectOrUnapproved"
        ));
    }

    #[test]
    fn request_failure_is_a_refusal() {
        let body = br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"ed93"}}"#;
        assert_eq!(
            parse_send_sms_response(body).unwrap(),
            TencentReply::Refused {
                code: "AuthFailure.SignatureFailure".into(),
                message: "bad".into(),
                request_id: Some("ed93".into())
            }
        );
    }

    #[test]
    fn usage_is_the_fee_count() {
        let body = br#"{"Response":{"SendStatusStatistics":{"FeeCount":120,"RequestCount":100,"RequestSuccessCount":100},"RequestId":"u"}}"#;
        assert_eq!(
            parse_usage_response(body).unwrap(),
            TencentReply::Success(120)
        );
        assert!(parse_usage_response(br#"{"Response":{"RequestId":"u"}}"#).is_err());
        assert!(matches!(
            parse_usage_response(
                br#"{"Response":{"Error":{"Code":"InvalidParameterValue","Message":"m"}}}"#
            )
            .unwrap(),
            TencentReply::Refused { .. }
        ));
    }

    #[test]
    fn shapeless_bodies_are_invalid_responses() {
        for body in [
            &b"<html>502</html>"[..],
            b"{\"Response\":",
            b"{}",
            b"[]",
            b"{\"Response\":{}}",
            b"{\"Response\":{\"SendStatusSet\":[]}}",
            b"{\"Response\":{\"SendStatusSet\":[1]}}",
            b"{\"Response\":{\"Error\":{}}}",
        ] {
            let err = parse_send_sms_response(body).unwrap_err();
            assert_eq!(
                err.code,
                ErrorCode::InvalidResponse,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let oversize = vec![b' '; MAX_RESPONSE_BYTES + 1];
        assert_eq!(
            parse_send_sms_response(&oversize).unwrap_err().code,
            ErrorCode::InvalidResponse
        );
    }
}
