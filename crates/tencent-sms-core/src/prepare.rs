//! From a validated config and a message to the request that would be sent: the destination,
//! its site, its template and the guard's view of it. Nothing here sends.

use crate::config::ConnectorConfig;
use crate::failure::{ConnectorFailure, ErrorCode};
use crate::guard::GuardedSend;
use crate::message::MessageData;
use crate::phone::{normalize_e164, E164};
use crate::request::TencentRequest;
use crate::template::{select_template, Template, Wanted};

/// A request ready to go, and what an error about it must point at.
#[derive(Debug)]
pub struct PreparedSend<'a> {
    /// The signed-on-send SendSms request, through the destination's site.
    pub request: TencentRequest,
    /// The normalized destination.
    pub to: E164,
    /// The template chosen for it.
    pub template: &'a Template,
    /// Whether the request goes through `internationalSite`, so an error names that site's keys.
    pub via_international_site: bool,
}

impl<'a> PreparedSend<'a> {
    /// Builds the request for one message, or says why nothing may be sent.
    pub fn new(config: &'a ConnectorConfig, data: &MessageData) -> Result<Self, ConnectorFailure> {
        let (to, template) = destination_and_template(config, data)?;
        let params = template.param_set(data.code.as_deref()).ok_or_else(|| {
            ConnectorFailure::new(
                ErrorCode::InvalidRequestParameters,
                "`payload.code` is missing, but the template's `params` send {code}",
            )
        })?;
        let international = !to.is_mainland_china();
        let site = config.site_for(international);
        Ok(Self {
            request: TencentRequest::send_sms(site, template, &to, &params),
            to,
            template,
            via_international_site: config.is_international_site(site),
        })
    }
}

/// Builds the request for one message (through the destination's site), or says why nothing
/// may be sent.
pub fn prepare_send(
    config: &ConnectorConfig,
    data: &MessageData,
) -> Result<TencentRequest, ConnectorFailure> {
    PreparedSend::new(config, data).map(|prepared| prepared.request)
}

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
    let wanted = Wanted {
        usage_type: &data.usage_type,
        international: !to.is_mainland_china(),
        locale: data.locale.as_deref(),
        separate_sites: config.international_site.is_some(),
    };
    let template = select_template(&config.templates, &wanted)
        .ok_or_else(|| ConnectorFailure::template_not_found(&data.usage_type))?;
    Ok((to, template))
}

/// What the guard counts a send as. Its counters are namespaced by the top-level site's SMS
/// app whichever site the number goes through: a limit on an IP is one limit, not one per site.
pub fn guarded_send<'a>(
    config: &'a ConnectorConfig,
    to: &'a E164,
    ip: Option<&'a str>,
    now: i64,
) -> GuardedSend<'a> {
    GuardedSend {
        account: &config.site.sdk_app_id,
        to,
        ip,
        now,
        message_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::Environment;
    use serde_json::json;

    fn two_sites() -> ConnectorConfig {
        let config = crate::testing::two_sites_config();
        crate::config::validate_config(&config, &Environment::default()).unwrap()
    }

    fn message(to: &str) -> MessageData {
        MessageData {
            to: to.into(),
            usage_type: "SignIn".into(),
            code: Some("123456".into()),
            locale: None,
            ip: None,
        }
    }

    fn body(request: &TencentRequest) -> serde_json::Value {
        serde_json::from_slice(&request.body).unwrap()
    }

    #[test]
    fn each_destination_goes_through_its_own_site() {
        let config = two_sites();
        let mainland = prepare_send(&config, &message("8613711112222")).unwrap();
        assert_eq!(mainland.endpoint.host_header, "sms.tencentcloudapi.com");
        assert_eq!(mainland.credentials.secret_id(), Some("AKIDCN"));
        assert_eq!(body(&mainland)["SmsSdkAppId"], "1400000001");
        assert_eq!(body(&mainland)["TemplateParamSet"], json!(["123456"]));
        let abroad = prepare_send(&config, &message("16502530000")).unwrap();
        assert_eq!(abroad.endpoint.host_header, "sms.intl.tencentcloudapi.com");
        assert_eq!(
            (
                abroad.credentials.secret_id().unwrap(),
                abroad.region.as_str()
            ),
            ("AKIDINTL", "ap-singapore")
        );
        assert_eq!(body(&abroad)["SmsSdkAppId"], "2400000002");
        assert_eq!(body(&abroad)["TemplateId"], "2");
        assert_eq!(body(&abroad)["TemplateParamSet"], json!(["123456", "10"]));
    }

    #[test]
    fn both_sites_count_against_the_top_level_sms_app() {
        let config = two_sites();
        let abroad = normalize_e164("16502530000").unwrap();
        assert_eq!(
            guarded_send(&config, &abroad, None, 0).account,
            "1400000001"
        );
    }

    #[test]
    fn a_template_of_the_other_site_is_never_used() {
        let mut config = two_sites();
        config.templates.retain(|t| !t.international);
        let failure = prepare_send(&config, &message("16502530000")).unwrap_err();
        assert_eq!(failure.code, ErrorCode::TemplateNotFound);
    }
}
