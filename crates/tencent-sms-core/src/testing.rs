//! Test fixtures shared by this crate's tests, the runtime's, the emulator's and the benchmark
//! helpers (the `testing` feature): one definition of the config fixture they all need.

use serde_json::{json, Value};

/// The usage types every config must have a template for, from the fixture the JS tests read
/// too (`__test__/fixtures/required-usage-types.json`; a unit test keeps it equal to the
/// rule the config guard applies).
pub fn required_usage_types() -> Vec<String> {
    serde_json::from_str(include_str!(
        "../../../__test__/fixtures/required-usage-types.json"
    ))
    .expect("the fixture is a JSON array of strings")
}

/// One template per required usage type, all with `template_code`.
pub fn four_templates(template_code: &str) -> Value {
    required_usage_types()
        .iter()
        .map(|usage_type| json!({ "usageType": usage_type, "templateCode": template_code }))
        .collect()
}

/// A config with two sites (mainland through the top level, international through
/// `internationalSite`), the four required templates and an international `Generic` one with
/// a second parameter.
pub fn two_sites_config() -> Value {
    let mut templates = four_templates("1");
    templates.as_array_mut().expect("an array").push(
        json!({ "usageType": "Generic", "templateCode": "2", "international": true, "params": ["{code}", "10"] }),
    );
    json!({
        "accessKeyId": "AKIDCN", "accessKeySecret": "cn-secret", "signName": "Logto",
        "sdkAppId": "1400000001", "region": "ap-guangzhou",
        "internationalSite": { "accessKeyId": "AKIDINTL", "accessKeySecret": "intl-secret",
            "sdkAppId": "2400000002", "region": "ap-singapore", "endpoint": "sms.intl.tencentcloudapi.com" },
        "templates": templates
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::REQUIRED_USAGE_TYPES;

    #[test]
    fn the_fixture_is_the_rule_the_guard_applies() {
        let mut fixture = required_usage_types();
        let mut rule: Vec<String> = REQUIRED_USAGE_TYPES.iter().map(|t| t.to_string()).collect();
        fixture.sort();
        rule.sort();
        assert_eq!(fixture, rule);
    }
}
