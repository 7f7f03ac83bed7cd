//! The read-only actions behind the doctor and the status command: `DescribeSmsTemplateList`,
//! `DescribeSmsSignList` and `PullSmsSendStatusByPhoneNumber`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::{answer, Answer, ErrorBody};

/// `DescribeSmsTemplateList`'s parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTemplateListRequest {
    /// 0 mainland templates, 1 international ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international: Option<u64>,
    /// The templates wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id_set: Option<Vec<u64>>,
}

/// One template and its review.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TemplateStatus {
    /// The template's id.
    pub template_id: u64,
    /// 0 mainland, 1 international.
    pub international: u8,
    /// 0 approved and live; -1 under review; -2 rejected.
    pub status_code: i64,
    /// The reviewer's reply.
    pub review_reply: String,
    /// Its name in the console.
    pub template_name: String,
    /// When it was created (Unix seconds).
    pub create_time: i64,
    /// Its text, with `{1}`-style placeholders.
    pub template_content: String,
}

answer! {
    /// `DescribeSmsTemplateList`'s answer.
    pub struct DescribeTemplateListResponse {
        /// The templates found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub describe_template_status_set: Option<Vec<TemplateStatus>>,
    }
}

/// `DescribeSmsSignList`'s parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSignListRequest {
    /// 0 mainland signs, 1 international ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international: Option<u64>,
    /// The signs wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_id_set: Option<Vec<u64>>,
    /// Signs per page (at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Signs to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// One sign and its review.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SignStatus {
    /// The sign's id.
    pub sign_id: u64,
    /// 0 mainland, 1 international.
    pub international: u8,
    /// 0 approved and live; -1 under review; -2 rejected.
    pub status_code: i64,
    /// The reviewer's reply.
    pub review_reply: String,
    /// The sign's text, as `SignName` sends it.
    pub sign_name: String,
    /// When it was created (Unix seconds).
    pub create_time: i64,
}

answer! {
    /// `DescribeSmsSignList`'s answer.
    pub struct DescribeSignListResponse {
        /// The signs found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub describe_sign_list_status_set: Option<Vec<SignStatus>>,
    }
}

/// `PullSmsSendStatusByPhoneNumber`'s parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PullSendStatusRequest<'a> {
    /// Receipts from (Unix seconds, at most 7 days back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<u64>,
    /// Receipts until (Unix seconds; now when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<u64>,
    /// Receipts to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Receipts at most (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The number, E.164.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<Cow<'a, str>>,
    /// The SMS application.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub sms_sdk_app_id: Option<Cow<'a, str>>,
}

/// One delivery receipt.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReceiptStatus {
    /// When the carrier reported it (Unix seconds).
    pub user_receive_time: Option<i64>,
    /// The number's country calling code, e.g. `86`.
    pub country_code: String,
    /// The number without it.
    pub subscriber_number: String,
    /// The number, E.164.
    pub phone_number: String,
    /// The message's serial number, as `SendSms` answered it.
    pub serial_no: String,
    /// `SUCCESS` or `FAIL`.
    pub report_status: String,
    /// The carrier's description.
    pub description: String,
    /// The send's `SessionContext`.
    pub session_context: String,
}

answer! {
    /// `PullSmsSendStatusByPhoneNumber`'s answer.
    pub struct PullSendStatusResponse {
        /// The receipts found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pull_sms_send_status_set: Option<Vec<ReceiptStatus>>,
    }
}
