//! What the emulator "delivered": the rendered text a phone would show, so a demo or a test
//! can read the code that was sent.

use serde::Serialize;

/// A message the emulator delivered: what the phone would show, and how it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveredMessage {
    /// The destination, E.164.
    pub phone_number: String,
    /// The destination's country or region, as Tencent's `IsoCode` (e.g. `CN`, `US`).
    pub iso_code: String,
    /// The SMS app it was sent with.
    pub sdk_app_id: String,
    /// The sign, when one was sent (mainland messages need one).
    pub sign_name: Option<String>,
    /// The template's ID.
    pub template_id: String,
    /// `TemplateParamSet`: `{1}`, `{2}`, … in order.
    pub params: Vec<String>,
    /// The text a phone shows: 【sign】 and the filled template.
    pub content: String,
    /// The SendSms request's `RequestId`.
    pub request_id: String,
    /// The message's `SerialNo`.
    pub serial_no: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    /// What its delivery receipt says.
    pub delivery: Delivery,
}

/// A message's delivery receipt, as `PullSmsSendStatusByPhoneNumber` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// `delivered` or `failed`.
    pub status: &'static str,
    /// The carrier's code: `DELIVRD`, or why it failed.
    pub description: String,
}

impl Delivery {
    pub(crate) fn delivered() -> Self {
        Self {
            status: "delivered",
            description: "DELIVRD".to_owned(),
        }
    }

    pub(crate) fn failed(description: &str) -> Self {
        Self {
            status: "failed",
            description: description.to_owned(),
        }
    }
}

/// Now, as the inbox and the refusals write it: RFC 3339, UTC, milliseconds.
pub(crate) fn received_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Fills `{1}`, `{2}`… with the parameters; Tencent shows the sign name in 【】 first.
pub(crate) fn render(template: &str, params: &[String], sign_name: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(sign) = sign_name {
        text.push('【');
        text.push_str(sign);
        text.push('】');
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .map(|close| (close, after[..close].parse::<usize>()))
        {
            Some((close, Ok(n))) if n >= 1 && n <= params.len() => {
                text.push_str(&params[n - 1]);
                rest = &after[close + 1..];
            }
            _ => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_the_sign() {
        let params = vec!["123456".to_owned(), "5".to_owned()];
        assert_eq!(
            render("Code {1}, valid {2} min. {x}", &params, Some("Logto")),
            "【Logto】Code 123456, valid 5 min. {x}"
        );
    }
}
