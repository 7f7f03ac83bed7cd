//! Tencent Cloud API requests (SendSms, SendStatusStatistics): body, headers and signature.
//!
//! The body is serialized once per call; only the timestamp-dependent headers are rebuilt
//! when a retry or a clock correction re-signs it.

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use serde::Serialize;

use std::sync::Arc;

use crate::config::Site;
use crate::credentials::{CredentialSource, SigningKeys};
use crate::endpoint::Endpoint;
use crate::phone::E164;
use crate::template::Template;
use tencent_sms_tc3::sign::{self as tc3, SignedHeader, SigningInput};
use tencent_sms_tc3::{JSON_CONTENT_TYPE, SERVICE, VERSION};
use tencent_sms_wire::action::{SEND_SMS, SEND_STATUS_STATISTICS};
use tencent_sms_wire::{SendSmsRequest, SendStatusStatisticsRequest};

pub(crate) const REQUEST_CLIENT: &str =
    concat!("connector-tencent-sms-rs/", env!("CARGO_PKG_VERSION"));

const X_TC_ACTION: HeaderName = HeaderName::from_static("x-tc-action");
const X_TC_VERSION: HeaderName = HeaderName::from_static("x-tc-version");
const X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
const X_TC_REGION: HeaderName = HeaderName::from_static("x-tc-region");
const X_TC_REQUEST_CLIENT: HeaderName = HeaderName::from_static("x-tc-requestclient");
const X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");

/// A config value that an HTTP header cannot carry (a control character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidHeader;

/// The keys of a request: the config's own, or a source to read them from when it is signed.
#[derive(Debug, Clone)]
pub enum RequestCredentials {
    /// `accessKeyId` and `accessKeySecret`.
    Keys(Arc<SigningKeys>),
    /// `credentials.source`, read (and cached) by the client.
    Source(CredentialSource),
}

impl RequestCredentials {
    fn of(site: &Site) -> Self {
        if !site.credentials.is_config() {
            return Self::Source(site.credentials.clone());
        }
        Self::Keys(Arc::new(SigningKeys {
            secret_id: site.access_key_id.clone(),
            secret_key: site.access_key_secret.clone(),
            token: None,
        }))
    }

    /// The keys, when they are the config's.
    pub fn keys(&self) -> Option<&SigningKeys> {
        match self {
            Self::Keys(keys) => Some(keys),
            Self::Source(_) => None,
        }
    }

    /// The SecretId, when the keys are the config's.
    pub fn secret_id(&self) -> Option<&str> {
        self.keys().map(|keys| keys.secret_id.as_str())
    }
}

/// A request ready to be signed and sent any number of times.
#[derive(Debug, Clone)]
pub struct TencentRequest {
    /// `X-TC-Action`: `SendSms` or `SendStatusStatistics`.
    pub action: &'static str,
    /// Where it is posted.
    pub endpoint: Endpoint,
    /// Where it is posted instead when `endpoint` cannot be reached.
    pub backup: Option<Endpoint>,
    /// `X-TC-Region`.
    pub region: String,
    /// The keys it is signed with, or where to get them when it is sent.
    pub credentials: RequestCredentials,
    /// The JSON body, signed.
    pub body: Bytes,
}

impl TencentRequest {
    /// `SignName` is the template's own, else the global one, and is left out for international
    /// templates without their own; `SenderId` goes on international sends only.
    pub fn send_sms(site: &Site, template: &Template, to: &E164, params: &[String]) -> Self {
        let international = !to.is_mainland_china();
        let sign_name = template
            .sign_name
            .as_deref()
            .or((!template.international).then_some(site.sign_name.as_str()));
        let body = SendSmsRequest {
            phone_number_set: Some(vec![to.as_str().into()]),
            sms_sdk_app_id: Some(site.sdk_app_id.as_str().into()),
            template_id: Some(template.template_code.as_str().into()),
            template_param_set: Some(params.iter().map(|p| p.as_str().into()).collect()),
            sign_name: sign_name.map(Into::into),
            sender_id: site
                .sender_id
                .as_deref()
                .filter(|_| international)
                .map(Into::into),
            ..SendSmsRequest::default()
        };
        Self::new(
            SEND_SMS,
            site,
            serde_json::to_vec(&body).expect("the body serializes"),
        )
    }

    /// Billing statistics for the hours `begin`..=`end` (`yyyymmddhh`, Beijing time).
    pub fn send_status_statistics(site: &Site, begin: &str, end: &str) -> Self {
        let body = SendStatusStatisticsRequest {
            begin_time: Some(begin.into()),
            end_time: Some(end.into()),
            sms_sdk_app_id: Some(site.sdk_app_id.as_str().into()),
            limit: Some(0),
            offset: Some(0),
        };
        Self::new(
            SEND_STATUS_STATISTICS,
            site,
            serde_json::to_vec(&body).expect("the body serializes"),
        )
    }

    /// Any read-only action of the SMS API (`DescribeSmsTemplateList`, …) with its parameters
    /// (a `tencent_sms_wire` request).
    pub fn action<B: Serialize>(site: &Site, action: &'static str, body: &B) -> Self {
        Self::new(
            action,
            site,
            serde_json::to_vec(body).expect("the body serializes"),
        )
    }

    fn new(action: &'static str, site: &Site, body: Vec<u8>) -> Self {
        Self {
            action,
            endpoint: site.endpoint.clone(),
            backup: site.backup_endpoint.clone(),
            region: site.region.clone(),
            credentials: RequestCredentials::of(site),
            body: Bytes::from(body),
        }
    }

    /// Every header of the request to `host` (the `Host` header, which is signed), signed with
    /// `keys` for `timestamp` (Unix seconds), with `X-TC-Token` for temporary keys (not signed,
    /// as in Tencent's SDKs). The constant headers are static values, so a send only formats
    /// the four that vary.
    ///
    /// Fails only when a config value cannot travel in an HTTP header (the config guard
    /// already refuses control characters, so this is a last line of defence).
    pub fn headers(
        &self,
        host: &str,
        timestamp: i64,
        keys: &SigningKeys,
    ) -> Result<HeaderMap, InvalidHeader> {
        let signature = tc3::sign(
            keys.secret_key.expose(),
            &SigningInput {
                service: SERVICE,
                timestamp,
                headers: vec![
                    SignedHeader {
                        name: "content-type",
                        value: JSON_CONTENT_TYPE,
                    },
                    SignedHeader {
                        name: "host",
                        value: host,
                    },
                ],
                body: &self.body,
            },
        );
        let value = |text: String| HeaderValue::try_from(text).map_err(|_| InvalidHeader);
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        headers.insert(HOST, value(host.to_owned())?);
        headers.insert(X_TC_ACTION, HeaderValue::from_static(self.action));
        headers.insert(X_TC_VERSION, HeaderValue::from_static(VERSION));
        headers.insert(X_TC_TIMESTAMP, HeaderValue::from(timestamp));
        headers.insert(X_TC_REGION, value(self.region.clone())?);
        headers.insert(
            X_TC_REQUEST_CLIENT,
            HeaderValue::from_static(REQUEST_CLIENT),
        );
        headers.insert(
            AUTHORIZATION,
            value(signature.authorization(&keys.secret_id))?,
        );
        if let Some(token) = &keys.token {
            headers.insert(X_TC_TOKEN, value(token.expose().to_owned())?);
        }
        Ok(headers)
    }
}
