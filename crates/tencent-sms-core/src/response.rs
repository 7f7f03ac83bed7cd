//! Parsing Tencent's answer to SendSms.
//!
//! A 200 can still be a failure twice over: `Response.Error` for the whole request, or a
//! non-`Ok` code in `SendStatusSet` for the number. Anything else is a malformed response.

use serde::Serialize;
use serde_json::Value;

use crate::classify::ErrorCode;
use crate::failure::ConnectorFailure;

/// Bodies above this are refused unread: a real SendSms answer is well under 1 KiB.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// What `sendMessage` resolves with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendResult {
    pub request_id: String,
    pub serial_no: String,
    pub phone_number: String,
    pub fee: u64,
    pub iso_code: String,
}

/// A well-formed answer: sent, or refused with a Tencent code.
#[derive(Debug, Clone, PartialEq)]
pub enum TencentReply {
    Sent(SendResult),
    Refused {
        code: String,
        message: String,
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

/// Parses a SendSms response body.
pub fn parse_send_sms_response(body: &[u8]) -> Result<TencentReply, ConnectorFailure> {
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(malformed("the body is larger than 1 MiB"));
    }
    let root: Value =
        serde_json::from_slice(body).map_err(|_| malformed("the body is not JSON"))?;
    let response = root
        .get("Response")
        .filter(|r| r.is_object())
        .ok_or_else(|| malformed("no `Response` object"))?;
    let request_id = string_field(response, "RequestId");
    if let Some(error) = response.get("Error") {
        let code = string_field(error, "Code")
            .ok_or_else(|| malformed("`Response.Error` has no `Code`"))?;
        return Ok(TencentReply::Refused {
            code,
            message: string_field(error, "Message").unwrap_or_default(),
            request_id,
        });
    }
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
    Ok(TencentReply::Sent(SendResult {
        request_id: request_id.unwrap_or_default(),
        serial_no: string_field(status, "SerialNo").unwrap_or_default(),
        phone_number: string_field(status, "PhoneNumber").unwrap_or_default(),
        fee: status.get("Fee").and_then(Value::as_u64).unwrap_or(0),
        iso_code: string_field(status, "IsoCode").unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_read_from_send_status_set() {
        let body = br#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aa"}}"#;
        let TencentReply::Sent(result) = parse_send_sms_response(body).unwrap() else {
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
