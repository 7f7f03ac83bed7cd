//! The `data` argument of `sendMessage`: `{ to, type, payload }`.
//!
//! Only `payload.code` is ever sent. The official connector sends every payload value but
//! `locale`, which leaks `uiLocales` into `TemplateParamSet` and breaks one-placeholder
//! templates.

use serde_json::Value;

use crate::failure::ConnectorFailure;
use crate::failure::ErrorCode;
use crate::json_input::{broken_text, holds_lone_surrogate};

const MAX_TO_CHARS: usize = 64;
const MAX_CODE_CHARS: usize = 256;
const MAX_TYPE_CHARS: usize = 128;

/// `sendMessage`'s data, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageData {
    /// The destination as Logto passed it (normalized later).
    pub to: String,
    /// Logto's template type, e.g. `SignIn`.
    pub usage_type: String,
    /// `TemplateParamSet`: `[code]` when a code is present, else empty.
    pub template_params: Vec<String>,
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
    let template_params = match payload.get("code") {
        None => Vec::new(),
        Some(Value::String(code)) if code.chars().count() <= MAX_CODE_CHARS => vec![code.clone()],
        // JSON has no NaN or Infinity: JavaScript turns them into null on the way here, so a
        // null code is refused rather than sent as a message without its code.
        Some(Value::Null) => {
            return Err(bad_request(
                "`payload.code` must be a string; it is null, NaN or Infinity",
            ))
        }
        Some(_) => return Err(bad_request("`payload.code` must be a string")),
    };
    Ok(MessageData {
        to: to.clone(),
        usage_type: usage_type.clone(),
        template_params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureData;
    use serde_json::json;

    #[test]
    fn only_the_code_becomes_a_parameter() {
        let data = json!({ "to": "8613711112222", "type": "SignIn",
            "payload": { "code": "123456", "locale": "en", "uiLocales": "fr-CA fr" } });
        assert_eq!(
            parse_message_data(&data).unwrap().template_params,
            vec!["123456"]
        );
        let data = json!({ "to": "8613711112222", "type": "SignIn", "payload": {} });
        assert!(parse_message_data(&data)
            .unwrap()
            .template_params
            .is_empty());
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
