//! Tencent Cloud API requests (SendSms, SendStatusStatistics): body, headers and signature.
//!
//! The body is serialized once per call; only the timestamp-dependent headers are rebuilt
//! when a retry or a clock correction re-signs it.

use bytes::Bytes;
use serde::Serialize;

use crate::config::ConnectorConfig;
use crate::phone::E164;
use crate::secret::SecretKey;
use crate::tc3::{self, SignedHeader, SigningInput};
use crate::template::Template;

pub const SERVICE: &str = "sms";
pub const SEND_SMS: &str = "SendSms";
pub const SEND_STATUS_STATISTICS: &str = "SendStatusStatistics";
pub const VERSION: &str = "2021-01-11";
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
pub const REQUEST_CLIENT: &str = concat!("connector-tencent-sms-rs/", env!("CARGO_PKG_VERSION"));

/// The JSON body in the field order Tencent documents; unset fields are left out, not null.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSmsBody<'a> {
    phone_number_set: [&'a str; 1],
    sms_sdk_app_id: &'a str,
    template_id: &'a str,
    template_param_set: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    sign_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender_id: Option<&'a str>,
}

/// The SendStatusStatistics body; `Limit` and `Offset` must be 0 (Tencent's rule).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendStatusStatisticsBody<'a> {
    begin_time: &'a str,
    end_time: &'a str,
    sms_sdk_app_id: &'a str,
    limit: u32,
    offset: u32,
}

/// A request ready to be signed and sent any number of times.
#[derive(Debug, Clone)]
pub struct TencentRequest {
    pub action: &'static str,
    pub url: String,
    pub host: String,
    pub region: String,
    pub secret_id: String,
    secret_key: SecretKey,
    pub body: Bytes,
}

impl TencentRequest {
    /// `SignName` is the template's own, else the global one, and is left out for international
    /// templates without their own; `SenderId` goes on international sends only.
    pub fn send_sms(
        config: &ConnectorConfig,
        template: &Template,
        to: &E164,
        params: &[String],
    ) -> Self {
        let international = !to.is_mainland_china();
        let sign_name = template
            .sign_name
            .as_deref()
            .or((!template.international).then_some(config.sign_name.as_str()));
        let body = SendSmsBody {
            phone_number_set: [to.as_str()],
            sms_sdk_app_id: &config.sdk_app_id,
            template_id: &template.template_code,
            template_param_set: params,
            sign_name,
            sender_id: config.sender_id.as_deref().filter(|_| international),
        };
        Self::new(
            SEND_SMS,
            config,
            serde_json::to_vec(&body).expect("the body serializes"),
        )
    }

    /// Billing statistics for the hours `begin`..=`end` (`yyyymmddhh`, Beijing time).
    pub fn send_status_statistics(config: &ConnectorConfig, begin: &str, end: &str) -> Self {
        let body = SendStatusStatisticsBody {
            begin_time: begin,
            end_time: end,
            sms_sdk_app_id: &config.sdk_app_id,
            limit: 0,
            offset: 0,
        };
        Self::new(
            SEND_STATUS_STATISTICS,
            config,
            serde_json::to_vec(&body).expect("the body serializes"),
        )
    }

    fn new(action: &'static str, config: &ConnectorConfig, body: Vec<u8>) -> Self {
        Self {
            action,
            url: config.endpoint.url.clone(),
            host: config.endpoint.host_header.clone(),
            region: config.region.clone(),
            secret_id: config.access_key_id.clone(),
            secret_key: config.access_key_secret.clone(),
            body: Bytes::from(body),
        }
    }

    /// Every header of the request, signed for `timestamp` (Unix seconds).
    pub fn headers(&self, timestamp: i64) -> Vec<(&'static str, String)> {
        let signature = tc3::sign(
            self.secret_key.expose(),
            &SigningInput {
                service: SERVICE,
                timestamp,
                headers: vec![
                    SignedHeader {
                        name: "content-type",
                        value: CONTENT_TYPE,
                    },
                    SignedHeader {
                        name: "host",
                        value: &self.host,
                    },
                ],
                body: &self.body,
            },
        );
        vec![
            ("content-type", CONTENT_TYPE.to_owned()),
            ("host", self.host.clone()),
            ("x-tc-action", self.action.to_owned()),
            ("x-tc-version", VERSION.to_owned()),
            ("x-tc-timestamp", timestamp.to_string()),
            ("x-tc-region", self.region.clone()),
            ("x-tc-requestclient", REQUEST_CLIENT.to_owned()),
            ("authorization", signature.authorization(&self.secret_id)),
        ]
    }
}
