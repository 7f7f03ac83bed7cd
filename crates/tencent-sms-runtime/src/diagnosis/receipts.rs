//! Delivery receipts of a number from every site (`tencent-sms status`).

use serde::Serialize;
use tencent_sms_wire::{action, PullSendStatusRequest, PullSendStatusResponse, ReceiptStatus};

use crate::client::SmsClient;
use tencent_sms_core::config::{ConnectorConfig, SiteName};
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::request::TencentRequest;

/// Tencent keeps delivery receipts 7 days.
pub const RECEIPT_DAYS: i64 = 7;
const RECEIPTS_PER_CALL: u64 = 100;
/// One delivery receipt, as `tencent-sms status --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(rename = "DeliveryReceipt")
)]
pub struct Receipt {
    /// The `SerialNo` SendSms returned.
    pub serial_no: String,
    /// E.164.
    pub phone_number: String,
    /// Whether the phone got it.
    pub status: DeliveryStatus,
    /// The carrier's code, e.g. `DELIVRD`.
    pub description: String,
    /// When it was sent (Unix seconds), when known.
    pub sent_at: Option<i64>,
    /// When the phone received it (Unix seconds).
    pub received_at: Option<i64>,
    /// The site it came through: `main` or `international`.
    pub site: SiteName,
}

/// What a receipt says of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum DeliveryStatus {
    /// The phone got it.
    Delivered,
    /// The carrier could not deliver it (the description says why).
    Failed,
    /// No receipt yet.
    Pending,
}

/// The receipts of `to` (E.164) since `since` (Unix seconds, at most 7 days back) from every
/// site of `config`.
pub(crate) async fn delivery_receipts(
    client: &SmsClient,
    config: &ConnectorConfig,
    to: &str,
    since: i64,
    now: i64,
) -> Result<Vec<Receipt>, ConnectorFailure> {
    let since = since.max(now - RECEIPT_DAYS * 86_400 + 60);
    let mut receipts = Vec::new();
    for site in config.sites() {
        let international_site = config.is_international_site(site);
        let name = config.site_name(site);
        for page in 0..50u64 {
            let body = PullSendStatusRequest {
                begin_time: Some(u64::try_from(since).unwrap_or(0)),
                end_time: Some(u64::try_from(now).unwrap_or(0)),
                offset: Some(page * RECEIPTS_PER_CALL),
                limit: Some(RECEIPTS_PER_CALL),
                phone_number: Some(to.into()),
                sms_sdk_app_id: Some(site.sdk_app_id.as_str().into()),
            };
            let request =
                TencentRequest::action(site, action::PULL_SMS_SEND_STATUS_BY_PHONE_NUMBER, &body);
            let response: PullSendStatusResponse = client
                .call(&request)
                .await
                .map_err(|f| f.through_site(international_site))?;
            let batch = response.pull_sms_send_status_set.unwrap_or_default();
            let done = (batch.len() as u64) < RECEIPTS_PER_CALL;
            receipts.extend(batch.into_iter().map(|r| receipt(r, name)));
            if done {
                break;
            }
        }
    }
    receipts.sort_by_key(|r| r.received_at.unwrap_or(i64::MAX));
    Ok(receipts)
}

fn receipt(item: ReceiptStatus, site: SiteName) -> Receipt {
    let status = match item.report_status.as_str() {
        "SUCCESS" => DeliveryStatus::Delivered,
        "FAIL" => DeliveryStatus::Failed,
        _ => DeliveryStatus::Pending,
    };
    Receipt {
        serial_no: item.serial_no,
        phone_number: item.phone_number,
        status,
        description: item.description,
        sent_at: None,
        received_at: item.user_receive_time,
        site,
    }
}
