//! Tencent's review of the template or sign a refusal is about, added to the error the console
//! shows: one read call on the send path, cached briefly, within what is left of the deadline.

use std::time::Duration;

use super::reads::{describe_review, signs_page, templates, Review};
use crate::client::SmsClient;
use tencent_sms_core::config::Site;
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::template::Template;
use tencent_sms_core::tencent_codes::{reviewed_by, Reviewed};

/// The most an error's review lookup may take; the send's own deadline bounds it too.
pub(crate) const REVIEW_LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

/// Which review explains `failure`, if its Tencent code is about a template or a sign.
enum Subject<'a> {
    Template(&'a str),
    Sign(&'a str),
}

/// Adds Tencent's review of the template or sign that `failure` is about, looked up with one
/// read call (cached briefly) within `budget` (what is left of the send's deadline) and at most
/// [`REVIEW_LOOKUP_TIMEOUT`]; `failure` as it was when the lookup finds nothing or fails.
pub(crate) async fn with_review(
    client: &SmsClient,
    site: &Site,
    template: &Template,
    budget: Duration,
    failure: ConnectorFailure,
) -> ConnectorFailure {
    let sign_name = template
        .sign_name
        .as_deref()
        .or((!template.international).then_some(site.sign_name.as_str()));
    let subject = match failure.tencent_code().and_then(reviewed_by) {
        Some(Reviewed::Template) => Subject::Template(&template.template_code),
        Some(Reviewed::Sign) => match sign_name {
            Some(sign) => Subject::Sign(sign),
            None => return failure,
        },
        None => return failure,
    };
    let (what, key) = match subject {
        Subject::Template(id) => (
            format!("template {id}"),
            format!("{}|{}|t|{id}", site.endpoint.host_header, site.sdk_app_id),
        ),
        Subject::Sign(name) => (
            format!("sign {name}"),
            format!("{}|{}|s|{name}", site.endpoint.host_header, site.sdk_app_id),
        ),
    };
    let review = match client.reviews().get(&key) {
        Some(review) => review,
        None => {
            let lookup = look_up(client, site, &subject, template.international);
            let budget = budget.min(REVIEW_LOOKUP_TIMEOUT);
            let review = tokio::time::timeout(budget, lookup).await.ok().flatten();
            let review = review.map(|review| describe_review(&what, &review));
            client.reviews().put(key, review.clone());
            review
        }
    };
    match review {
        Some(review) => failure.with_note(&review),
        None => failure,
    }
}

async fn look_up(
    client: &SmsClient,
    site: &Site,
    subject: &Subject<'_>,
    international: bool,
) -> Option<Review> {
    match subject {
        Subject::Template(id) => templates(client, site, international, &[id])
            .await
            .ok()?
            .first()
            .map(Review::from),
        // One page: an error's lookup is one read call, and accounts have far fewer signs.
        Subject::Sign(name) => signs_page(client, site, international, 0)
            .await
            .ok()?
            .iter()
            .find(|sign| sign.sign_name == *name)
            .map(Review::from),
    }
}
