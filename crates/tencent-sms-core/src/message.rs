//! The `data` argument of `sendMessage`: `{ to, type, payload }`.
//!
//! Only `payload.code` is ever sent (with a template's own `params`, if it has some). The
//! official connector sends every payload value but `locale`, which leaks `uiLocales` into
//! `TemplateParamSet` and breaks one-placeholder templates. `payload.locale`, the user's
//! language as Logto resolved it, picks among templates written in different languages.

use serde_json::Value;

use crate::failure::ConnectorFailure;
use crate::failure::ErrorCode;
use crate::json_input::{broken_text, holds_lone_surrogate};

const MAX_TO_CHARS: usize = 64;
const MAX_CODE_CHARS: usize = 256;
const MAX_TYPE_CHARS: usize = 128;
/// Longer than any BCP 47 tag Logto resolves; a longer value is ignored, not refused.
const MAX_LOCALE_CHARS: usize = 64;
/// Longer than any IPv6 address with a zone and a port. A longer `ip` is kept cut to one more
/// character, so the guard sees a value that is no address (and counts it as such) without
/// holding whatever Logto was handed.
const MAX_IP_CHARS: usize = 64;

/// `sendMessage`'s data, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageData {
    /// The destination as Logto passed it (normalized later).
    pub to: String,
    /// Logto's template type, e.g. `SignIn`.
    pub usage_type: String,
    /// `payload.code`, the verification code.
    pub code: Option<String>,
    /// `payload.locale`, when it is a string.
    pub locale: Option<String>,
    /// `ip`, the end user's address as Logto passes it, when it is a string.
    pub ip: Option<String>,
}

fn bad_request(description: &str) -> ConnectorFailure {
    ConnectorFailure::new(ErrorCode::InvalidRequestParameters, description)
}

/// A string that held a lone surrogate is named as such, not as a wrong shape.
fn refuse_broken_text(value: Option<&Value>, field: &str) -> Result<(), ConnectorFailure> {
    match value {
        Some(Value::String(text)) if holds_lone_surrogate(text) => {
            Err(bad_request(&broken_text(field)))
        }
        _ => Ok(()),
    }
}

/// Reads `{ to, type, payload }` as Logto passes it.
pub fn parse_message_data(data: &Value) -> Result<MessageData, ConnectorFailure> {
    if !data.is_object() {
        return Err(bad_request(
            "sendMessage data must be an object { to, type, payload }",
        ));
    }
    for field in ["to", "type"] {
        refuse_broken_text(data.get(field), &format!("`{field}`"))?;
    }
    refuse_broken_text(data.pointer("/payload/code"), "`payload.code`")?;
    let to = match data.get("to") {
        Some(Value::String(to)) if !to.trim().is_empty() && to.chars().count() <= MAX_TO_CHARS => {
            to
        }
        _ => return Err(bad_request("`to` must be a non-empty phone number string")),
    };
    let usage_type = match data.get("type") {
        Some(Value::String(t)) if !t.is_empty() && t.chars().count() <= MAX_TYPE_CHARS => t,
        _ => {
            return Err(bad_request(
                "`type` must be a template type string such as SignIn",
            ))
        }
    };
    let payload = match data.get("payload") {
        Some(Value::Object(payload)) => payload,
        _ => return Err(bad_request("`payload` must be an object")),
    };
    let code = match payload.get("code") {
        None => None,
        Some(Value::String(code)) if code.chars().count() <= MAX_CODE_CHARS => Some(code.clone()),
        // JSON has no NaN or Infinity: JavaScript turns them into null on the way here, so a
        // null code is refused rather than sent as a message without its code.
        Some(Value::Null) => {
            return Err(bad_request(
                "`payload.code` must be a string; it is null, NaN or Infinity",
            ))
        }
        Some(_) => return Err(bad_request("`payload.code` must be a string")),
    };
    let locale = payload
        .get("locale")
        .and_then(Value::as_str)
        .filter(|locale| !locale.is_empty() && locale.len() <= MAX_LOCALE_CHARS)
        .map(str::to_owned);
    let ip = data
        .get("ip")
        .and_then(Value::as_str)
        .filter(|ip| !ip.trim().is_empty())
        .map(|ip| ip.chars().take(MAX_IP_CHARS + 1).collect());
    Ok(MessageData {
        to: to.clone(),
        usage_type: usage_type.clone(),
        code,
        locale,
        ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureData;
    use serde_json::json;

    #[test]
    fn only_the_code_and_the_locale_are_read() {
        let data = json!({ "to": "8613711112222", "type": "SignIn",
            "payload": { "code": "123456", "locale": "en", "uiLocales": "fr-CA fr" } });
        let read = parse_message_data(&data).unwrap();
        assert_eq!(read.code.as_deref(), Some("123456"));
        assert_eq!(read.locale.as_deref(), Some("en"));
        let data = json!({ "to": "8613711112222", "type": "SignIn", "payload": { "locale": 42 } });
        let read = parse_message_data(&data).unwrap();
        assert_eq!((read.code, read.locale), (None, None));
    }

    #[test]
    fn bad_shapes_are_invalid_request_parameters() {
        for data in [
            json!(null),
            json!([]),
            json!({ "type": "SignIn", "payload": {} }),
            json!({ "to": 8613711112222u64, "type": "SignIn", "payload": {} }),
            json!({ "to": "", "type": "SignIn", "payload": {} }),
            json!({ "to": "8613711112222", "payload": {} }),
            json!({ "to": "8613711112222", "type": "SignIn" }),
            json!({ "to": "8613711112222", "type": "SignIn", "payload": "x" }),
            json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": 123456 } }),
            json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": null } }),
        ] {
            assert_eq!(
                parse_message_data(&data).unwrap_err().code,
                ErrorCode::InvalidRequestParameters,
                "{data}"
            );
        }
    }

    #[test]
    fn a_lone_surrogate_is_named_with_its_field() {
        let text = r#"{"to":"+8613711112222","type":"SignIn","payload":{"code":"1234"}}"#;
        for (from, to, field) in [
            ("+86137", "+86\\ud800137", "`to`"),
            ("SignIn", "Sign\\udc00In", "`type`"),
            ("1234", "12\\ud83d34", "`payload.code`"),
        ] {
            let data = crate::json_input::parse_js_json(&text.replace(from, to)).unwrap();
            let failure = parse_message_data(&data).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
            let FailureData::Described { description, .. } = failure.data else {
                panic!("a described failure");
            };
            assert_eq!(description, broken_text(field));
        }
    }
}
