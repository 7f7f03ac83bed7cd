//! Reading Tencent's answers (typed by `tencent-sms-wire`) into what a send or a query ends in.
//!
//! A 200 can still be a failure twice over: `Response.Error` for the whole request, or a
//! non-`Ok` code in `SendStatusSet` for the number. Anything else is a malformed response.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::error::Category;
use tencent_sms_wire::{Answer, Envelope, SendSmsResponse, SendStatusStatisticsResponse};

use crate::failure::ConnectorFailure;
use crate::failure::ErrorCode;

/// Bodies above this are refused unread: a real SendSms answer is well under 1 KiB.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// What `sendMessage` resolves with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(rename = "TencentSmsSendResult")
)]
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

/// The action's answer, or the refusal in `Response.Error`: any action, typed by `T`.
pub fn parse_answer<T: DeserializeOwned + Answer>(
    body: &[u8],
) -> Result<TencentReply<T>, ConnectorFailure> {
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(malformed("the body is larger than 1 MiB"));
    }
    let envelope: Envelope<Option<T>> =
        serde_json::from_slice(body).map_err(|e| match e.classify() {
            Category::Data => malformed(&format!("unexpected shape ({})", without_position(&e))),
            Category::Io | Category::Syntax | Category::Eof => malformed("the body is not JSON"),
        })?;
    let answer = envelope
        .response
        .ok_or_else(|| malformed("no `Response` object"))?;
    match answer.error() {
        None => Ok(TencentReply::Success(answer)),
        Some(error) if error.code.is_empty() => Err(malformed("`Response.Error` has no `Code`")),
        Some(error) => Ok(TencentReply::Refused {
            code: error.code.clone(),
            message: error.message.clone(),
            request_id: answer.request_id().map(str::to_owned),
        }),
    }
}

/// serde's message without "at line 1 column 42", which says nothing to an operator.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Re-types a reply by what its success carries.
fn map_success<T, U>(
    reply: TencentReply<T>,
    success: impl FnOnce(T) -> Result<U, ConnectorFailure>,
) -> Result<TencentReply<U>, ConnectorFailure> {
    Ok(match reply {
        TencentReply::Success(answer) => TencentReply::Success(success(answer)?),
        TencentReply::Refused {
            code,
            message,
            request_id,
        } => TencentReply::Refused {
            code,
            message,
            request_id,
        },
    })
}

/// Parses a SendSms response body: the first number's status, which is the only one (the
/// connector sends to one number at a time).
pub fn parse_send_sms_response(body: &[u8]) -> Result<TencentReply<SendResult>, ConnectorFailure> {
    let answer = match parse_answer::<SendSmsResponse>(body)? {
        TencentReply::Success(answer) => answer,
        TencentReply::Refused {
            code,
            message,
            request_id,
        } => {
            return Ok(TencentReply::Refused {
                code,
                message,
                request_id,
            })
        }
    };
    let request_id = answer.request_id;
    let status = answer
        .send_status_set
        .ok_or_else(|| malformed("no `SendStatusSet`"))?
        .into_iter()
        .next()
        .ok_or_else(|| malformed("`SendStatusSet` is empty"))?;
    if status.code.is_empty() {
        return Err(malformed("`SendStatusSet[0]` has no `Code`"));
    }
    if !status.code.eq_ignore_ascii_case("ok") {
        return Ok(TencentReply::Refused {
            code: status.code,
            message: status.message,
            request_id,
        });
    }
    Ok(TencentReply::Success(SendResult {
        request_id: request_id.unwrap_or_default(),
        serial_no: status.serial_no,
        phone_number: status.phone_number,
        fee: status.fee,
        iso_code: status.iso_code,
    }))
}

/// Parses a SendStatusStatistics response body: the billed message count (`FeeCount`).
pub fn parse_usage_response(body: &[u8]) -> Result<TencentReply<u64>, ConnectorFailure> {
    map_success(
        parse_answer::<SendStatusStatisticsResponse>(body)?,
        |answer| {
            answer
                .send_status_statistics
                .and_then(|statistics| statistics.fee_count)
                .ok_or_else(|| malformed("no `SendStatusStatistics.FeeCount`"))
        },
    )
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
