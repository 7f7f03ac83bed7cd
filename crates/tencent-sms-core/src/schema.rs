//! The config's keys, named once: every key validation reads, at every level, and whether it
//! is required. Validation is checked against this table key by key (each one set wrong is an
//! issue at its own path), and so are the console form, `index.d.ts` and the documents' key
//! tables (`__test__/config-schema.test.mjs`), so adding a key without the rest fails a test.

use serde::Serialize;

/// Whether a top-level key must be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Required {
    /// Always.
    Yes,
    /// Unless `credentials` names another source of keys.
    UnlessCredentials,
    /// Never.
    No,
}

/// One top-level key.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TopLevelKey {
    /// Its name.
    pub key: &'static str,
    /// Whether it must be set.
    pub required: Required,
    /// Whether the console edits it as JSON (else as text).
    pub json: bool,
}

const fn top(key: &'static str, required: Required, json: bool) -> TopLevelKey {
    TopLevelKey {
        key,
        required,
        json,
    }
}

/// Every top-level key, in the console form's order.
pub const TOP_LEVEL: [TopLevelKey; 13] = [
    top("accessKeyId", Required::UnlessCredentials, false),
    top("accessKeySecret", Required::UnlessCredentials, false),
    top("signName", Required::Yes, false),
    top("sdkAppId", Required::Yes, false),
    top("region", Required::Yes, false),
    top("templates", Required::Yes, true),
    top("senderId", Required::No, false),
    top("endpoint", Required::No, false),
    top("backupEndpoint", Required::No, false),
    top("credentials", Required::No, true),
    top("internationalSite", Required::No, true),
    top("internationalAccessKeySecret", Required::No, false),
    top("guard", Required::No, true),
];

/// The keys of a `templates` entry.
pub const TEMPLATE: [&str; 6] = [
    "usageType",
    "templateCode",
    "international",
    "signName",
    "locale",
    "params",
];

/// The keys of `credentials`.
pub const CREDENTIALS: [&str; 3] = ["source", "profile", "roleName"];

/// The keys of `internationalSite`: a site's own keys.
pub const INTERNATIONAL_SITE: [&str; 9] = [
    "accessKeyId",
    "accessKeySecret",
    "credentials",
    "signName",
    "sdkAppId",
    "region",
    "endpoint",
    "backupEndpoint",
    "senderId",
];

/// The keys of `guard`: first its six rules, which a message type may set too
/// ([`GUARD_RULES`]), then the whole guard's settings.
pub const GUARD: [&str; 10] = [
    "allowedCountries",
    "blockedCountries",
    "numberTypes",
    "perIp",
    "perPrefix",
    "internationalDailyLimit",
    "redisUrl",
    "mode",
    "exempt",
    "byType",
];

/// The rules of `guard`, which `guard.byType.<type>` takes too.
pub const GUARD_RULES: &[&str] = GUARD.split_at(6).0;

/// The whole table, as JSON for the JS tests: `{ topLevel, template, credentials,
/// internationalSite, guard }`.
pub fn schema_json() -> serde_json::Value {
    serde_json::json!({
        "topLevel": TOP_LEVEL,
        "template": TEMPLATE,
        "credentials": CREDENTIALS,
        "internationalSite": INTERNATIONAL_SITE,
        "guard": GUARD,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::Environment;
    use serde_json::{json, Value};

    /// A config that sets every key of the table validly.
    fn every_key() -> Value {
        json!({
            "accessKeyId": "AKIDEXAMPLE", "accessKeySecret": "secret", "signName": "Logto",
            "sdkAppId": "1400006666", "region": "ap-guangzhou",
            "templates": [
                { "usageType": "SignIn", "templateCode": "1" }, { "usageType": "Register", "templateCode": "1" },
                { "usageType": "ForgotPassword", "templateCode": "1" },
                { "usageType": "Generic", "templateCode": "2", "international": true, "signName": "Logto",
                  "locale": "en", "params": ["{code}", "10"] }
            ],
            "senderId": "LOGTO", "endpoint": "sms.tencentcloudapi.com",
            "backupEndpoint": "sms.ap-guangzhou.tencentcloudapi.com",
            "credentials": { "source": "config" },
            "internationalSite": { "accessKeyId": "IKID", "sdkAppId": "2400008888",
                "region": "ap-singapore", "endpoint": "sms.intl.tencentcloudapi.com",
                "backupEndpoint": "sms.ap-singapore.tencentcloudapi.com", "signName": "Logto",
                "senderId": "LOGTO", "credentials": { "source": "config" } },
            "internationalAccessKeySecret": "intl-secret",
            "guard": { "allowedCountries": ["CN"], "blockedCountries": ["KP"], "numberTypes": ["mobile"],
                "perIp": { "max": 5, "windowSeconds": 60 }, "perPrefix": { "max": 5, "windowSeconds": 60 },
                "internationalDailyLimit": 100, "redisUrl": "redis://127.0.0.1:6379/0",
                "mode": "monitor", "exempt": ["+8613700000000"],
                "byType": { "Register": { "allowedCountries": ["CN"] } } }
        })
    }

    fn paths(config: &Value) -> Vec<String> {
        match crate::validate_config(config, &Environment::default()) {
            Ok(_) => Vec::new(),
            Err(issues) => issues
                .iter()
                .map(|issue| serde_json::to_string(&issue.path).unwrap())
                .collect(),
        }
    }

    /// `config` with the value at `path` replaced by one no key takes whole (an array of an
    /// empty object: not a string, number, flag or object, and no list of valid items).
    fn broken(mut config: Value, path: &[&str]) -> Value {
        let (last, parents) = path.split_last().unwrap();
        let mut at = &mut config;
        for key in parents {
            at = &mut at[*key];
        }
        at[*last] = json!([{}]);
        config
    }

    #[test]
    fn every_key_of_the_table_is_read_by_validation() {
        assert_eq!(paths(&every_key()), Vec::<String>::new(), "all valid");
        let mut at: Vec<Vec<&str>> = TOP_LEVEL.iter().map(|k| vec![k.key]).collect();
        at.extend(CREDENTIALS.iter().map(|k| vec!["credentials", k]));
        at.extend(
            INTERNATIONAL_SITE
                .iter()
                .filter(|k| **k != "accessKeySecret")
                .map(|k| vec!["internationalSite", k]),
        );
        at.extend(GUARD.iter().map(|k| vec!["guard", k]));
        for path in at {
            let found = paths(&broken(every_key(), &path));
            let expected = serde_json::to_string(&path).unwrap();
            assert!(
                found
                    .iter()
                    .any(|p| p.starts_with(&expected[..expected.len() - 1])),
                "a wrong {path:?} is an issue at its path: {found:?}"
            );
        }
        // A template entry's keys, and the international secret given twice.
        for key in TEMPLATE {
            let mut config = every_key();
            config["templates"][3][key] = json!([{}]);
            assert!(
                paths(&config)
                    .iter()
                    .any(|p| p.starts_with(&format!("[\"templates\",3,\"{key}\""))),
                "{key}"
            );
        }
        let mut twice = every_key();
        twice["internationalSite"]["accessKeySecret"] = json!("other");
        assert_eq!(paths(&twice), ["[\"internationalAccessKeySecret\"]"]);
    }

    #[test]
    fn the_top_level_table_is_the_console_forms() {
        let metadata: Value = serde_json::from_str(crate::metadata::METADATA_JSON).unwrap();
        let form: Vec<(&str, bool, bool)> = metadata["formItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                (
                    item["key"].as_str().unwrap(),
                    item["required"] == true,
                    item["type"] == "Json",
                )
            })
            .collect();
        let table: Vec<(&str, bool, bool)> = TOP_LEVEL
            .iter()
            .map(|k| (k.key, k.required == Required::Yes, k.json))
            .collect();
        assert_eq!(form, table);
    }
}
