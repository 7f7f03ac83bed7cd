//! The properties the fuzz targets check, kept here so `cargo fuzz` and the corpus regression
//! test (`tests/fuzz_corpus.rs`) run exactly the same code. Each panics on a violation.

use crate::config::validate_config;
use crate::json_input::parse_js_json;
use crate::phone::normalize_e164;
use crate::response::{parse_send_sms_response, TencentReply, MAX_RESPONSE_BYTES};
use tencent_sms_tc3::SecretKey;

/// Any bytes: reading them as the binding does and validating never panics, and a valid
/// config's `Debug` never depends on its secret.
pub fn check_config_validator(data: &[u8]) {
    let Some(value) = std::str::from_utf8(data).ok().and_then(parse_js_json) else {
        return;
    };
    match validate_config(&value, &crate::Environment::default()) {
        Ok(config) => {
            assert!(config
                .sites()
                .all(|site| !site.access_key_secret.expose().is_empty()));
            // Debug output must not depend on any secret at all (a plain "does not contain"
            // check is wrong when another field happens to hold the same text).
            let mut other = config.clone();
            let sites = std::iter::once(&mut other.site).chain(&mut other.international_site);
            for site in sites {
                site.access_key_secret =
                    SecretKey::new(format!("{}-other", site.access_key_secret.expose()));
            }
            assert_eq!(
                format!("{config:?}"),
                format!("{other:?}"),
                "Debug output depends on the secret"
            );
        }
        Err(issues) => assert!(!issues.is_empty(), "a refusal names at least one issue"),
    }
}

/// Any bytes: parsing never panics; a success always came from a body of at most
/// [`MAX_RESPONSE_BYTES`] whose `Response` has no `Error` and whose first `SendStatusSet`
/// entry has the code `Ok`, and carries that entry's `SerialNo` and that body's `RequestId`.
pub fn check_response_parser(data: &[u8]) {
    let Ok(TencentReply::Success(result)) = parse_send_sms_response(data) else {
        return;
    };
    assert!(data.len() <= MAX_RESPONSE_BYTES);
    let body: serde_json::Value = serde_json::from_slice(data).expect("a success was JSON");
    let response = &body["Response"];
    assert!(response.get("Error").is_none(), "a success had no Error");
    let status = &response["SendStatusSet"][0];
    let code = status["Code"].as_str().expect("a success had a Code");
    assert!(
        code.eq_ignore_ascii_case("ok"),
        "a success came from code {code:?}"
    );
    assert_eq!(
        result.serial_no,
        status["SerialNo"].as_str().unwrap_or_default()
    );
    assert_eq!(
        result.request_id,
        response["RequestId"].as_str().unwrap_or_default()
    );
}

/// Whether `data` parses as a SendSms success, so a corpus can show it exercises
/// [`check_response_parser`]'s success property.
pub fn is_send_sms_success(data: &[u8]) -> bool {
    matches!(parse_send_sms_response(data), Ok(TencentReply::Success(_)))
}

/// Any text: normalization never panics and only yields `+` followed by 7–15 digits.
pub fn check_phone_normalizer(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(number) = normalize_e164(text) {
        let digits = number
            .as_str()
            .strip_prefix('+')
            .expect("E.164 starts with +");
        assert!((7..=15).contains(&digits.len()));
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    }
}
