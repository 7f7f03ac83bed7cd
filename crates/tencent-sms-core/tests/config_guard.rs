//! The config guard: each rule, all issues at once, and official configs accepted unchanged.

use serde_json::{json, Value};
use tencent_sms_core::json_input::{broken_text, parse_js_json};
use tencent_sms_core::{ConfigIssue, ConnectorConfig, Environment};

/// Validation in a process environment that allows nothing extra, as most of Logto's are.
fn validate_config(config: &Value) -> Result<ConnectorConfig, Vec<ConfigIssue>> {
    tencent_sms_core::validate_config(config, &Environment::default())
}

fn official_config() -> Value {
    json!({
        "accessKeyId": "AKIDEXAMPLE",
        "accessKeySecret": "SECRETEXAMPLE",
        "signName": "腾讯云",
        "sdkAppId": "1400006666",
        "region": "ap-guangzhou",
        "templates": [
            { "usageType": "SignIn", "templateCode": "1110" },
            { "usageType": "Register", "templateCode": "1111" },
            { "usageType": "ForgotPassword", "templateCode": "1112" },
            { "usageType": "OrganizationInvitation", "templateCode": "<template-code>" },
            { "usageType": "Generic", "templateCode": "1113" }
        ]
    })
}

fn issues(config: Value) -> Vec<ConfigIssue> {
    validate_config(&config).unwrap_err()
}

fn paths(issues: &[ConfigIssue]) -> Vec<String> {
    issues
        .iter()
        .map(|i| serde_json::to_string(&i.path).unwrap())
        .collect()
}

#[test]
fn a_valid_official_config_is_accepted_unchanged() {
    let config = validate_config(&official_config()).unwrap();
    assert_eq!(config.site.endpoint.host_header, "sms.tencentcloudapi.com");
    assert_eq!(config.templates.len(), 5);
    assert_eq!(config.site.sender_id, None);
}

#[test]
fn unknown_keys_are_ignored() {
    let mut config = official_config();
    config["somethingElse"] = json!({ "nested": true });
    assert!(validate_config(&config).is_ok());
}

#[test]
fn an_unknown_key_nested_far_past_serde_jsons_limit_is_ignored() {
    let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
    let text = official_config()
        .to_string()
        .replacen('{', &format!("{{\"extra\":{deep},"), 1);
    let config = parse_js_json(&text).expect("JSON text");
    assert!(validate_config(&config).is_ok());
}

#[test]
fn lone_surrogates_are_named_at_every_field_that_holds_one() {
    let text = official_config()
        .to_string()
        .replace("腾讯云", "Logto\\ud83d")
        .replace("SECRETEXAMPLE", "SECRET\\udc00")
        .replace("1111", "\\ud800");
    let issues = issues(parse_js_json(&text).expect("JSON text"));
    assert_eq!(
        paths(&issues),
        [
            r#"["accessKeySecret"]"#,
            r#"["signName"]"#,
            r#"["templates",1,"templateCode"]"#
        ]
    );
    assert_eq!(issues[0].message, broken_text("accessKeySecret"));
    assert!(!format!("{issues:?}").contains("SECRET"));
}

#[test]
fn missing_fields_are_all_reported_with_zod_shape() {
    let found = issues(json!({ "accessKeyId": "x", "templates": [] }));
    let text = serde_json::to_value(&found).unwrap();
    assert_eq!(
        text[0],
        json!({ "code": "invalid_type", "expected": "string", "received": "undefined", "path": ["accessKeySecret"], "message": "Required" })
    );
    assert_eq!(
        paths(&found),
        [
            "[\"accessKeySecret\"]",
            "[\"signName\"]",
            "[\"sdkAppId\"]",
            "[\"region\"]",
            "[\"templates\"]"
        ]
    );
    assert_eq!(
        found.last().unwrap().message,
        "Template with UsageType (Register, SignIn, ForgotPassword, Generic) should be provided!"
    );
    assert_eq!(found.last().unwrap().code, "custom");
}

#[test]
fn the_missing_template_message_names_only_the_missing_types() {
    let mut config = official_config();
    config["templates"] = json!([{ "usageType": "SignIn", "templateCode": "1" }, { "usageType": "Generic", "templateCode": "2" }]);
    assert_eq!(
        issues(config)[0].message,
        "Template with UsageType (Register, ForgotPassword) should be provided!"
    );
}

#[test]
fn wrong_types_say_what_was_received() {
    let mut config = official_config();
    config["accessKeyId"] = json!(42);
    config["region"] = json!(null);
    let found = issues(config);
    assert_eq!(found[0].received, Some("number"));
    assert_eq!(found[0].message, "Expected string, received number");
    assert_eq!(found[1].received, Some("null"));
}

#[test]
fn required_strings_must_not_be_empty_or_huge() {
    let mut config = official_config();
    config["signName"] = json!("");
    config["accessKeyId"] = json!("A".repeat(100_000));
    let found = issues(config);
    assert_eq!(
        found.iter().map(|i| i.code).collect::<Vec<_>>(),
        ["too_big", "too_small"]
    );
}

#[test]
fn access_key_id_must_fit_in_an_http_header() {
    let mut config = official_config();
    config["accessKeyId"] = json!("AKID\r\nX-Injected: 1");
    let found = issues(config.clone());
    assert_eq!(paths(&found), ["[\"accessKeyId\"]"]);
    assert_eq!(found[0].code, "invalid_string");
    assert!(
        !found[0].message.contains("Injected"),
        "the value is not echoed"
    );
    // Before, this passed the guard and failed at send time as a `general` header error.
    config["accessKeyId"] = json!("AKID中文");
    let found = issues(config);
    assert_eq!(paths(&found), ["[\"accessKeyId\"]"]);
    assert!(
        found[0].message.contains("printable ASCII"),
        "{}",
        found[0].message
    );
}

#[test]
fn sdk_app_id_and_template_codes_are_digits_only() {
    let mut config = official_config();
    config["sdkAppId"] = json!("14000x");
    config["templates"][0]["templateCode"] = json!("SMS_1");
    let found = issues(config);
    assert_eq!(
        paths(&found),
        ["[\"sdkAppId\"]", "[\"templates\",0,\"templateCode\"]"]
    );
    assert!(found.iter().all(|i| i.code == "invalid_string"));
}

#[test]
fn region_must_look_like_a_tencent_region() {
    for good in [
        "ap-guangzhou",
        "ap-singapore",
        "na-siliconvalley",
        "eu-frankfurt",
        "ap-hongkong-2",
    ] {
        let mut config = official_config();
        config["region"] = json!(good);
        assert!(validate_config(&config).is_ok(), "{good}");
    }
    for bad in [
        "AP-GUANGZHOU",
        "guangzhou",
        "ap-",
        "a-b",
        "ap-guangzhou/x",
        "ap.guangzhou",
        "ap guangzhou",
    ] {
        let mut config = official_config();
        config["region"] = json!(bad);
        assert_eq!(issues(config)[0].path, [json!("region")], "{bad}");
    }
}

#[test]
fn endpoint_rules() {
    let mut config = official_config();
    config["endpoint"] = json!("https://sms.intl.tencentcloudapi.com");
    assert_eq!(
        validate_config(&config).unwrap().site.endpoint.host_header,
        "sms.intl.tencentcloudapi.com"
    );
    config["endpoint"] = json!("http://127.0.0.1:8080");
    assert_eq!(
        validate_config(&config).unwrap().site.endpoint.url.as_str(),
        "http://127.0.0.1:8080/"
    );
    for bad in [
        "http://sms.tencentcloudapi.com",
        "https://u:p@sms.tencentcloudapi.com",
        "https://h.com/path",
        "https://h.com?q",
    ] {
        config["endpoint"] = json!(bad);
        assert_eq!(issues(config.clone())[0].path, [json!("endpoint")], "{bad}");
    }
    config["endpoint"] = json!(12);
    assert_eq!(issues(config)[0].code, "invalid_type");
}

#[test]
fn the_backup_endpoint_is_the_regions_own_host_or_what_the_config_names() {
    let mut config = official_config();
    let backup = |config: &Value| {
        validate_config(config)
            .unwrap()
            .site
            .backup_endpoint
            .map(|e| e.url.to_string())
    };
    assert_eq!(
        backup(&config).as_deref(),
        Some("https://sms.ap-guangzhou.tencentcloudapi.com/")
    );
    config["endpoint"] = json!("sms.example.com");
    assert_eq!(
        backup(&config),
        None,
        "no guess for an operator's own endpoint"
    );
    config["backupEndpoint"] = json!("http://127.0.0.1:9001");
    assert_eq!(backup(&config).as_deref(), Some("http://127.0.0.1:9001/"));
    config["backupEndpoint"] = json!("http://sms.example.com");
    assert_eq!(paths(&issues(config)), [r#"["backupEndpoint"]"#]);
}

#[test]
fn an_international_site_keeps_its_endpoint_and_backup_together() {
    let mut config = official_config();
    config["backupEndpoint"] = json!("https://backup.example.com");
    config["internationalSite"] = json!({ "sdkAppId": "2400000000" });
    let inherited = validate_config(&config)
        .unwrap()
        .international_site
        .unwrap();
    assert_eq!(
        inherited.backup_endpoint.unwrap().host_header,
        "backup.example.com"
    );
    config["internationalSite"] = json!({ "endpoint": "sms.intl.example.com" });
    let own = validate_config(&config)
        .unwrap()
        .international_site
        .unwrap();
    assert_eq!(own.backup_endpoint, None, "not the other site's backup");
    config["internationalSite"] =
        json!({ "region": "ap-singapore", "endpoint": "sms.tencentcloudapi.com" });
    let regional = validate_config(&config)
        .unwrap()
        .international_site
        .unwrap();
    assert_eq!(
        regional.backup_endpoint.unwrap().host_header,
        "sms.ap-singapore.tencentcloudapi.com"
    );
}

#[test]
fn optional_fields_accept_absent_null_and_empty() {
    let mut config = official_config();
    config["senderId"] = json!(null);
    config["endpoint"] = json!("");
    let parsed = validate_config(&config).unwrap();
    assert_eq!(parsed.site.sender_id, None);
    config["senderId"] = json!("LOGTO");
    assert_eq!(
        validate_config(&config).unwrap().site.sender_id.as_deref(),
        Some("LOGTO")
    );
}

/// Logto's console saves an optional JSON editor left as shown as `{}`: not used, exactly as
/// if the key were absent.
#[test]
fn an_empty_object_for_an_optional_json_item_means_not_used() {
    let absent = validate_config(&official_config()).unwrap();
    let mut config = official_config();
    for name in ["credentials", "internationalSite", "guard"] {
        config[name] = json!({});
    }
    let parsed = validate_config(&config).unwrap();
    assert!(parsed.international_site.is_none(), "no second site");
    assert!(parsed.guard.is_none(), "no guard");
    assert_eq!(parsed.site.credentials, absent.site.credentials);
    // Beside a top-level source, an international site's `{}` credentials inherit it.
    let mut inherited = official_config();
    inherited["accessKeyId"] = json!("");
    inherited["accessKeySecret"] = json!("");
    inherited["credentials"] = json!({ "source": "environment" });
    inherited["internationalSite"] = json!({ "sdkAppId": "2400008888", "credentials": {} });
    let parsed = validate_config(&inherited).unwrap();
    let site = parsed.international_site.unwrap();
    assert_eq!(site.credentials.name(), "environment");
}

#[test]
fn the_international_secret_may_come_from_the_masked_field_once() {
    let mut config = official_config();
    config["internationalSite"] = json!({ "accessKeyId": "IKIDintl", "sdkAppId": "2400008888" });
    config["internationalAccessKeySecret"] = json!("intl-secret");
    let parsed = validate_config(&config).unwrap();
    let site = parsed.international_site.unwrap();
    assert_eq!(site.access_key_secret.expose(), "intl-secret");
    assert_eq!(site.secret_key_field, "internationalAccessKeySecret");
    assert_eq!(parsed.site.secret_key_field, "accessKeySecret");

    let mut twice = config.clone();
    twice["internationalSite"]["accessKeySecret"] = json!("other");
    assert_eq!(
        paths(&issues(twice)),
        ["[\"internationalAccessKeySecret\"]"]
    );
    let mut alone = official_config();
    alone["internationalAccessKeySecret"] = json!("intl-secret");
    assert_eq!(
        paths(&issues(alone)),
        ["[\"internationalAccessKeySecret\"]"]
    );
    let mut empty = official_config();
    empty["internationalAccessKeySecret"] = json!("");
    assert!(validate_config(&empty).is_ok(), "an empty field is not set");
}

#[test]
fn template_entries_are_checked_one_by_one() {
    let mut config = official_config();
    config["templates"][1] = json!("nope");
    config["templates"][2]["international"] = json!("yes");
    config["templates"][3]["signName"] = json!(5);
    let found = issues(config);
    assert_eq!(
        paths(&found),
        [
            "[\"templates\",1]",
            "[\"templates\",2,\"international\"]",
            "[\"templates\",3,\"signName\"]",
            "[\"templates\"]"
        ]
    );
}

#[test]
fn non_objects_are_one_invalid_type_issue() {
    for (input, received) in [
        (json!(null), "null"),
        (json!([]), "array"),
        (json!("x"), "string"),
        (json!(1), "number"),
    ] {
        let found = issues(input);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].expected, Some("object"));
        assert_eq!(found[0].received, Some(received));
    }
}

#[test]
fn the_secret_never_appears_in_debug_output() {
    let config = validate_config(&official_config()).unwrap();
    assert!(!format!("{config:?}").contains("SECRETEXAMPLE"));
}

#[test]
fn an_international_site_takes_what_it_leaves_out_from_the_top_level() {
    let mut config = official_config();
    config["internationalSite"] = json!({ "accessKeyId": "AKIDINTL", "accessKeySecret": "INTLSECRET",
        "sdkAppId": "2400000000", "endpoint": "sms.intl.tencentcloudapi.com", "region": "ap-singapore" });
    let parsed = validate_config(&config).unwrap();
    let intl = parsed.international_site.as_ref().expect("the second site");
    assert_eq!(intl.access_key_id, "AKIDINTL");
    assert_eq!(intl.access_key_secret.expose(), "INTLSECRET");
    assert_eq!(intl.sdk_app_id, "2400000000");
    assert_eq!(intl.region, "ap-singapore");
    assert_eq!(intl.endpoint.host_header, "sms.intl.tencentcloudapi.com");
    assert_eq!(intl.sign_name, "腾讯云", "left out: the top level's");
    assert!(std::ptr::eq(parsed.site_for(true), intl));
    assert!(std::ptr::eq(parsed.site_for(false), &parsed.site));
    assert_eq!(parsed.sites().count(), 2);
    assert!(!format!("{parsed:?}").contains("INTLSECRET"));
    config["internationalSite"] = Value::Null;
    assert!(validate_config(&config)
        .unwrap()
        .international_site
        .is_none());
}

#[test]
fn an_international_site_is_checked_by_the_same_rules_at_its_own_paths() {
    let mut config = official_config();
    config["internationalSite"] = json!({ "accessKeyId": "AKID\u{1}", "sdkAppId": "14ab",
        "region": "AP", "endpoint": "http://example.com", "signName": 7 });
    assert_eq!(
        paths(&issues(config.clone())),
        [
            r#"["internationalSite","accessKeyId"]"#,
            r#"["internationalSite","signName"]"#,
            r#"["internationalSite","sdkAppId"]"#,
            r#"["internationalSite","region"]"#,
            r#"["internationalSite","endpoint"]"#,
        ]
    );
    config["internationalSite"] = json!("sms.intl.tencentcloudapi.com");
    assert_eq!(paths(&issues(config)), [r#"["internationalSite"]"#]);
}

#[test]
fn templates_may_name_a_locale_and_their_params() {
    let mut config = official_config();
    config["templates"][0]["locale"] = json!("zh-CN");
    config["templates"][0]["params"] = json!(["{code}", "10"]);
    let parsed = validate_config(&config).unwrap();
    assert_eq!(parsed.templates[0].locale.as_deref(), Some("zh-CN"));
    assert_eq!(
        parsed.templates[0].params.as_deref(),
        Some(&["{code}".to_owned(), "10".to_owned()][..])
    );
    assert_eq!(
        parsed.templates[1].params, None,
        "without params: the code alone"
    );
}

#[test]
fn a_locale_or_a_param_tencent_would_refuse_is_refused_at_its_path() {
    let mut config = official_config();
    config["templates"][0]["locale"] = json!("english please");
    config["templates"][1]["params"] = json!(["{code}", "1234567", "ten", 10]);
    config["templates"][2]["params"] = json!([]);
    config["templates"][4]["params"] = json!("{code}");
    let found = issues(config);
    assert_eq!(
        paths(&found),
        [
            r#"["templates",0,"locale"]"#,
            r#"["templates",1,"params",1]"#,
            r#"["templates",1,"params",2]"#,
            r#"["templates",1,"params",3]"#,
            r#"["templates",2,"params"]"#,
            r#"["templates",4,"params"]"#,
        ]
    );
    assert!(
        found[1].message.contains("at most 6 digits"),
        "{}",
        found[1].message
    );
}

#[test]
fn a_guard_is_read_with_its_defaults() {
    let mut config = official_config();
    config["guard"] = json!({ "allowedCountries": ["cn", "HK"], "blockedCountries": ["KP"],
        "numberTypes": ["mobile", "fixedLineOrMobile"], "perIp": { "max": 5, "windowSeconds": 600, "ipv6Prefix": 56 },
        "perPrefix": { "max": 20, "windowSeconds": 3600 }, "internationalDailyLimit": 500,
        "redisUrl": "redis://:guard-password@127.0.0.1:6379/0", "mode": "monitor", "exempt": ["+8613700000000", "+44"] });
    let guard = validate_config(&config).unwrap().guard.expect("a guard");
    assert_eq!(
        guard.allowed_countries.as_deref(),
        Some(&["CN".to_owned(), "HK".to_owned()][..])
    );
    assert_eq!(
        guard.per_prefix.map(|(limit, digits)| (limit.max, digits)),
        Some((20, 4))
    );
    assert_eq!(guard.international_daily_limit, Some(500));
    assert_eq!(guard.ipv6_prefix, Some(56));
    assert!(guard.monitor);
    assert_eq!(guard.exempt, ["+8613700000000", "+44"]);
    assert!(
        !format!("{guard:?}").contains("guard-password"),
        "the Redis URL never prints"
    );
    config["guard"] = Value::Null;
    assert!(
        validate_config(&config).unwrap().guard.is_none(),
        "no guard unless asked for"
    );
}

#[test]
fn every_guard_issue_is_reported_at_its_path() {
    let mut config = official_config();
    config["guard"] = json!({ "allowedCountries": ["China"], "blockedCountries": [],
        "numberTypes": ["premium"], "perIp": { "max": 0, "ipv6Prefix": 16 }, "perPrefix": { "max": 1, "windowSeconds": 60, "digits": 12 },
        "internationalDailyLimit": -1, "redisUrl": "http://127.0.0.1:6379", "mode": "audit", "exempt": ["44", "+"] });
    assert_eq!(
        paths(&issues(config.clone())),
        [
            r#"["guard","allowedCountries",0]"#,
            r#"["guard","blockedCountries"]"#,
            r#"["guard","numberTypes",0]"#,
            r#"["guard","perIp","max"]"#,
            r#"["guard","perIp","windowSeconds"]"#,
            r#"["guard","perIp","ipv6Prefix"]"#,
            r#"["guard","perPrefix","digits"]"#,
            r#"["guard","internationalDailyLimit"]"#,
            r#"["guard","redisUrl"]"#,
            r#"["guard","mode"]"#,
            r#"["guard","exempt",0]"#,
            r#"["guard","exempt",1]"#,
        ]
    );
    config["guard"] = json!(true);
    assert_eq!(paths(&issues(config)), [r#"["guard"]"#]);
}

#[test]
fn redis_url_takes_logtos_cluster_and_ca_parameters_and_never_echoes_the_url() {
    let mut config = official_config();
    for url in [
        "redis://:pw@10.0.0.1:7000?cluster=1&host=10.0.0.2:7001&host=10.0.0.3:7002",
        "rediss://:pw@redis.internal:6380/0?certroot=%2Fetc%2Fca.pem",
    ] {
        config["guard"] = json!({ "redisUrl": url });
        assert!(validate_config(&config).is_ok(), "{url}");
    }
    for (url, said) in [
        ("redis://:hunter2@h:7000?cluster=maybe", "cluster must be 1"),
        ("redis://:hunter2@h:7000?cluster=1&host=h2", "host:port"),
        ("rediss://:hunter2@h:6380?certroot=", "CA file"),
    ] {
        config["guard"] = json!({ "redisUrl": url });
        let found = issues(config.clone());
        assert_eq!(paths(&found), [r#"["guard","redisUrl"]"#], "{url}");
        let message = serde_json::to_string(&found).unwrap();
        assert!(
            message.contains(said) && !message.contains("hunter2"),
            "{message}"
        );
    }
}

fn without_keys() -> Value {
    let mut config = official_config();
    let object = config.as_object_mut().unwrap();
    object.remove("accessKeyId");
    object.remove("accessKeySecret");
    config
}

#[test]
fn another_credential_source_needs_no_keys() {
    use tencent_sms_core::CredentialSource;
    for (credentials, source) in [
        (
            json!({ "source": "environment" }),
            CredentialSource::Environment,
        ),
        (
            json!({ "source": "profile", "profile": "ops" }),
            CredentialSource::Profile { name: "ops".into() },
        ),
        (
            json!({ "source": "cvmRole" }),
            CredentialSource::CvmRole { role_name: None },
        ),
        (json!({ "source": "oidcRole" }), CredentialSource::OidcRole),
        (
            json!({ "source": "chain", "roleName": "sms" }),
            CredentialSource::Chain {
                profile: "default".into(),
                role_name: Some("sms".into()),
            },
        ),
    ] {
        let mut config = without_keys();
        config["credentials"] = credentials;
        config["accessKeyId"] = json!("");
        let site = validate_config(&config).unwrap().site;
        assert_eq!(site.credentials, source);
    }
    let site = validate_config(&official_config()).unwrap().site;
    assert_eq!(
        site.credentials,
        CredentialSource::Config,
        "saved configs are as before"
    );
}

#[test]
fn keys_beside_another_source_are_refused_at_access_key_id() {
    let mut config = official_config();
    config["credentials"] = json!({ "source": "cvmRole" });
    let refused = issues(config);
    assert_eq!(paths(&refused), [r#"["accessKeyId"]"#]);
    assert!(
        refused[0].message.contains("credentials.source is cvmRole"),
        "{}",
        refused[0].message
    );
    let mut config = without_keys();
    config["credentials"] = json!({ "source": "config" });
    assert_eq!(
        paths(&issues(config)),
        [r#"["accessKeyId"]"#, r#"["accessKeySecret"]"#],
        "the config source still needs both keys"
    );
}

#[test]
fn every_credentials_issue_is_at_its_path() {
    let mut config = without_keys();
    config["credentials"] = json!({ "source": "vault" });
    assert_eq!(
        paths(&issues(config.clone())),
        [r#"["credentials","source"]"#]
    );
    config["credentials"] = json!({ "source": "cvmRole", "profile": "ops" });
    assert_eq!(
        paths(&issues(config.clone())),
        [r#"["credentials","profile"]"#]
    );
    config["credentials"] = json!({ "source": "environment", "roleName": "sms" });
    assert_eq!(
        paths(&issues(config.clone())),
        [r#"["credentials","roleName"]"#]
    );
    config["credentials"] = json!("cvmRole");
    assert_eq!(issues(config)[0].code, "invalid_type");
}

#[test]
fn the_international_site_inherits_the_source_or_names_its_own() {
    use tencent_sms_core::CredentialSource;
    let mut config = without_keys();
    config["credentials"] = json!({ "source": "cvmRole" });
    config["internationalSite"] = json!({ "sdkAppId": "2400000000" });
    let international = validate_config(&config)
        .unwrap()
        .international_site
        .unwrap();
    assert_eq!(
        international.credentials,
        CredentialSource::CvmRole { role_name: None }
    );
    config["internationalSite"] = json!({ "credentials": { "source": "config" } });
    assert_eq!(
        paths(&issues(config.clone())),
        [
            r#"["internationalSite","accessKeyId"]"#,
            r#"["internationalSite","accessKeySecret"]"#
        ],
        "keys of its own, since the top level has none"
    );
    config["internationalSite"] = json!({ "accessKeyId": "IKID", "accessKeySecret": "s" });
    assert_eq!(
        paths(&issues(config)),
        [r#"["internationalSite","accessKeyId"]"#],
        "keys beside the inherited source"
    );
}
