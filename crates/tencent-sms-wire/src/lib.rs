//! The Tencent Cloud SMS API (3.0, version 2021-01-11) as both ends of the wire see it: the
//! connector writes requests and reads responses with these types, the emulator reads the
//! requests and writes the responses with the same ones, so the two cannot disagree on a name.
//!
//! Every response body is `{"Response": {…, "RequestId"}}`, with `Error` instead of the
//! action's fields when Tencent refuses the request ([`Envelope`], [`ErrorBody`]). Fields a
//! reader may find missing are `Option` or defaulted: the connector treats a response without
//! what it needs as malformed, and a field Tencent adds later is ignored.
//!
//! Names are Tencent's (PascalCase, by serde renames), documented in Tencent's API reference
//! for each action.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

mod credentials;
mod describe;
mod template;

/// The actions the connector calls, as `X-TC-Action` names them: SMS (version 2021-01-11) and
/// STS ([`STS_VERSION`]).
pub mod action {
    /// Sends the code.
    pub const SEND_SMS: &str = "SendSms";
    /// Billed messages per hour: Logto's usage.
    pub const SEND_STATUS_STATISTICS: &str = "SendStatusStatistics";
    /// Templates and their review.
    pub const DESCRIBE_SMS_TEMPLATE_LIST: &str = "DescribeSmsTemplateList";
    /// Signs and their review.
    pub const DESCRIBE_SMS_SIGN_LIST: &str = "DescribeSmsSignList";
    /// Delivery receipts of a number.
    pub const PULL_SMS_SEND_STATUS_BY_PHONE_NUMBER: &str = "PullSmsSendStatusByPhoneNumber";
    /// STS: temporary credentials for a TKE service account's OIDC role.
    pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "AssumeRoleWithWebIdentity";
}

pub use credentials::{
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, MetadataCredentials,
    StsCredentials, STS_VERSION,
};
pub use describe::{
    DescribeSignListRequest, DescribeSignListResponse, DescribeTemplateListRequest,
    DescribeTemplateListResponse, PullSendStatusRequest, PullSendStatusResponse, ReceiptStatus,
    SignStatus, TemplateStatus,
};
pub use template::placeholder_count;

/// A response body: `{"Response": T}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The action's answer, or its refusal.
    #[serde(rename = "Response")]
    pub response: T,
}

/// `Response.Error`: why Tencent refused the whole request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    /// Tencent's error code, e.g. `AuthFailure.SignatureFailure`.
    #[serde(default)]
    pub code: String,
    /// Its message.
    #[serde(default)]
    pub message: String,
}

/// What every action's answer carries besides its own fields, so a reader can take any answer
/// apart the same way.
pub trait Answer {
    /// `Response.Error`, when the request as a whole was refused.
    fn error(&self) -> Option<&ErrorBody>;
    /// `Response.RequestId`.
    fn request_id(&self) -> Option<&str>;
}

/// An answer type: its own fields, then `Error` and `RequestId` (plain fields rather than a
/// flattened struct, which serde would parse through a buffer on every send).
macro_rules! answer {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident: $type:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $type,)*
            /// Present when the request as a whole was refused.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub error: Option<ErrorBody>,
            /// Tencent's `RequestId`, for support tickets.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub request_id: Option<String>,
        }

        impl Answer for $name {
            fn error(&self) -> Option<&ErrorBody> {
                self.error.as_ref()
            }
            fn request_id(&self) -> Option<&str> {
                self.request_id.as_deref()
            }
        }
    };
}
pub(crate) use answer;

/// `SendSms`'s parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendSmsRequest<'a> {
    /// The numbers, E.164 (at most 200).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub phone_number_set: Option<Vec<Cow<'a, str>>>,
    /// The SMS application.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub sms_sdk_app_id: Option<Cow<'a, str>>,
    /// The template.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<Cow<'a, str>>,
    /// The template's parameters, `{1}` first.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub template_param_set: Option<Vec<Cow<'a, str>>>,
    /// The sign (required for mainland numbers).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub sign_name: Option<Cow<'a, str>>,
    /// The sender ID of international messages.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<Cow<'a, str>>,
    /// An extension code (unused by the connector).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub extend_code: Option<Cow<'a, str>>,
    /// Echoed back in each status.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub session_context: Option<Cow<'a, str>>,
}

/// One number's outcome in `SendStatusSet`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SendStatus {
    /// The message's serial number (empty when refused).
    pub serial_no: String,
    /// The number.
    pub phone_number: String,
    /// Billed messages (a long text is billed per part).
    pub fee: u64,
    /// The request's `SessionContext`.
    pub session_context: String,
    /// `Ok`, or why this number was refused.
    pub code: String,
    /// Its message.
    pub message: String,
    /// The number's country, e.g. `CN`.
    pub iso_code: String,
}

answer! {
    /// `SendSms`'s answer.
    pub struct SendSmsResponse {
        /// One status per number, in the request's order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub send_status_set: Option<Vec<SendStatus>>,
    }
}

/// `SendStatusStatistics`'s parameters: hours `yyyymmddhh` (Beijing time); `Limit` and
/// `Offset` must be 0.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendStatusStatisticsRequest<'a> {
    /// The first hour counted.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<Cow<'a, str>>,
    /// The last hour counted.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Cow<'a, str>>,
    /// The SMS application.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub sms_sdk_app_id: Option<Cow<'a, str>>,
    /// Must be 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Must be 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// The counts of `SendStatusStatistics`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendStatusStatistics {
    /// Billed messages.
    pub fee_count: Option<u64>,
    /// Numbers requested.
    #[serde(default)]
    pub request_count: u64,
    /// Numbers accepted.
    #[serde(default)]
    pub request_success_count: u64,
}

answer! {
    /// `SendStatusStatistics`'s answer.
    pub struct SendStatusStatisticsResponse {
        /// The counts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub send_status_statistics: Option<SendStatusStatistics>,
    }
}

#[cfg(test)]
mod tests;
