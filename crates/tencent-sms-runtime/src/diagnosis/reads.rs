//! The read-only calls the diagnosis makes (templates and signs with their review) and how a
//! review reads.

use tencent_sms_wire::{
    action, DescribeSignListRequest, DescribeSignListResponse, DescribeTemplateListRequest,
    DescribeTemplateListResponse, SignStatus, TemplateStatus,
};

use crate::client::SmsClient;
use tencent_sms_core::config::Site;
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::request::TencentRequest;

/// Tencent's review states.
fn status_name(code: i64) -> &'static str {
    match code {
        0 => "approved and live",
        1 => "under review",
        2 => "approved but not yet live",
        -1 => "rejected",
        _ => "in an unknown state",
    }
}

/// Tencent's review of a template or a sign: its `StatusCode` and `ReviewReply`.
#[derive(Debug, Clone)]
pub(super) struct Review {
    pub(super) status_code: i64,
    pub(super) reply: String,
}

impl From<&TemplateStatus> for Review {
    fn from(template: &TemplateStatus) -> Self {
        Self {
            status_code: template.status_code,
            reply: template.review_reply.clone(),
        }
    }
}

impl From<&SignStatus> for Review {
    fn from(sign: &SignStatus) -> Self {
        Self {
            status_code: sign.status_code,
            reply: sign.review_reply.clone(),
        }
    }
}

/// A review as the console shows it: `under review (StatusCode 1): reply`.
pub(super) fn describe_review(what: &str, review: &Review) -> String {
    let code = review.status_code;
    let reply = review.reply.as_str();
    let reply = if reply.is_empty() {
        String::new()
    } else {
        format!(": \"{reply}\"")
    };
    format!(
        "Tencent's review of {what}: {} (StatusCode {code}){reply}",
        status_name(code)
    )
}

/// `DescribeSmsTemplateList` for `ids` (numeric ones; others cannot exist at Tencent).
pub(super) async fn templates(
    client: &SmsClient,
    site: &Site,
    international: bool,
    ids: &[&str],
) -> Result<Vec<TemplateStatus>, ConnectorFailure> {
    let ids: Vec<u64> = ids.iter().filter_map(|id| id.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let body = DescribeTemplateListRequest {
        international: Some(u64::from(international)),
        template_id_set: Some(ids),
    };
    let request = TencentRequest::action(site, action::DESCRIBE_SMS_TEMPLATE_LIST, &body);
    let response: DescribeTemplateListResponse = client.call(&request).await?;
    Ok(response.describe_template_status_set.unwrap_or_default())
}

/// Signs per `DescribeSmsSignList` page, Tencent's most.
const SIGNS_PER_PAGE: u64 = 100;

/// One page of `DescribeSmsSignList`.
pub(super) async fn signs_page(
    client: &SmsClient,
    site: &Site,
    international: bool,
    page: u64,
) -> Result<Vec<SignStatus>, ConnectorFailure> {
    let body = DescribeSignListRequest {
        international: Some(u64::from(international)),
        sign_id_set: None,
        limit: Some(SIGNS_PER_PAGE),
        offset: Some(page * SIGNS_PER_PAGE),
    };
    let request = TencentRequest::action(site, action::DESCRIBE_SMS_SIGN_LIST, &body);
    let response: DescribeSignListResponse = client.call(&request).await?;
    Ok(response.describe_sign_list_status_set.unwrap_or_default())
}

/// `DescribeSmsSignList`, every page (up to 1 000 signs).
pub(super) async fn signs(
    client: &SmsClient,
    site: &Site,
    international: bool,
) -> Result<Vec<SignStatus>, ConnectorFailure> {
    let mut all = Vec::new();
    for page in 0..10u64 {
        let batch = signs_page(client, site, international, page).await?;
        let done = (batch.len() as u64) < SIGNS_PER_PAGE;
        all.extend(batch);
        if done {
            break;
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_reads_as_the_console_shows_it() {
        let review = Review {
            status_code: -1,
            reply: "The sign does not match the company".to_owned(),
        };
        assert_eq!(
            describe_review("sign Logto", &review),
            "Tencent's review of sign Logto: rejected (StatusCode -1): \"The sign does not match the company\""
        );
    }
}
