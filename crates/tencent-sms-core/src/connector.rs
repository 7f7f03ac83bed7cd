//! `sendMessage` steps 2–10: validate, pick the template, build, sign, send, classify.

use serde_json::Value;

use crate::client::SmsClient;
#[cfg(feature = "testing")]
use crate::config::validate_config;
use crate::config::ConnectorConfig;
use crate::config_cache::ConfigCache;
use crate::failure::ConnectorFailure;
use crate::failure::ErrorCode;
use crate::json_input::parse_js_json;
use crate::message::{parse_message_data, MessageData};
use crate::phone::{normalize_e164, E164};
use crate::request::TencentRequest;
use crate::response::SendResult;
use crate::template::{select_template, Template};

/// The normalized destination and the template it gets, or why nothing may be sent.
fn destination_and_template<'a>(
    config: &'a ConnectorConfig,
    data: &MessageData,
) -> Result<(E164, &'a Template), ConnectorFailure> {
    let to = normalize_e164(&data.to).map_err(|e| {
        ConnectorFailure::new(
            ErrorCode::InvalidRequestParameters,
            format!("invalid phone number: {e}"),
        )
    })?;
    let template = select_template(&config.templates, &data.usage_type, !to.is_mainland_china())
        .ok_or_else(|| ConnectorFailure::template_not_found(&data.usage_type))?;
    Ok((to, template))
}

/// Builds the request for one message, or says why nothing may be sent.
pub fn prepare_send(
    config: &ConnectorConfig,
    data: &MessageData,
) -> Result<TencentRequest, ConnectorFailure> {
    let (to, template) = destination_and_template(config, data)?;
    Ok(TencentRequest::send_sms(
        config,
        template,
        &to,
        &data.template_params,
    ))
}

/// The whole send: raw config and data in, Tencent's result or a classified failure out.
#[cfg(feature = "testing")]
pub async fn send_message(
    client: &SmsClient,
    config: &Value,
    data: &Value,
) -> Result<SendResult, ConnectorFailure> {
    let config = validate_config(config).map_err(ConnectorFailure::invalid_config)?;
    send_with_config(client, &config, data).await
}

/// The whole send from JSON text, as the Node binding passes it, with validated configs cached.
pub async fn send_message_json(
    client: &SmsClient,
    configs: &ConfigCache,
    config_json: &str,
    data_json: &str,
) -> Result<SendResult, ConnectorFailure> {
    let config = configs.get_or_validate(config_json)?;
    let data = parse_js_json(data_json).unwrap_or(Value::Null);
    send_with_config(client, &config, &data).await
}

/// Steps 3–10 once the config is valid: read the data, build, sign, send.
async fn send_with_config(
    client: &SmsClient,
    config: &ConnectorConfig,
    data: &Value,
) -> Result<SendResult, ConnectorFailure> {
    let data = parse_message_data(data)?;
    let (to, template) = destination_and_template(config, &data)?;
    let request = TencentRequest::send_sms(config, template, &to, &data.template_params);
    client
        .send(&request)
        .await
        .map_err(|failure| failure.pointing_at_config(Some(template.sent())))
}
