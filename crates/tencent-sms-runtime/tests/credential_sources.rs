//! Keys from outside the config, as a send meets them: temporary keys Tencent stops accepting
//! are replaced once, and a key Tencent refuses is reported at `credentials`, naming where
//! the source reads it (the two key fields stay empty with such a source).
//!
//! One test, because the sources are read from the process environment.

mod common;

use serde_json::json;
use tencent_sms_emulator::{EmulatedRole, EmulatorOptions, RunningEmulator};
use tencent_sms_runtime::{ClientOptions, Connector};

fn config_from(emu: &RunningEmulator, credentials: serde_json::Value) -> String {
    let mut config = common::emulator_config(&emu.url());
    config["accessKeyId"] = json!("");
    config["accessKeySecret"] = json!("");
    config["credentials"] = credentials;
    config.to_string()
}

fn sign_in() -> String {
    json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } }).to_string()
}

#[tokio::test]
async fn revoked_role_keys_are_replaced_once_and_a_refused_key_points_at_credentials() {
    let emu = RunningEmulator::start(EmulatorOptions {
        frequency_limit_seconds: 0,
        roles: vec![EmulatedRole {
            name: "sms".into(),
            lifetime_seconds: 7_200,
            web_identity_token: None,
        }],
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    std::env::set_var(
        "TENCENT_SMS_METADATA_URL",
        format!("{}/latest/meta-data/", emu.url()),
    );
    let connector = Connector::new(ClientOptions::default());

    let role = config_from(&emu, json!({ "source": "cvmRole", "roleName": "sms" }));
    connector.send_message(&role, &sign_in()).await.unwrap();
    assert_eq!(emu.state.credential_requests(), 1);
    emu.state.revoke_issued();
    connector.send_message(&role, &sign_in()).await.unwrap();
    assert_eq!(
        emu.state.credential_requests(),
        2,
        "refused once, new keys fetched once, sent"
    );
    connector.send_message(&role, &sign_in()).await.unwrap();
    assert_eq!(emu.state.credential_requests(), 2, "the new keys are kept");

    std::env::set_var("TENCENTCLOUD_SECRET_ID", "AKIDnotKnownToTencent");
    std::env::set_var("TENCENTCLOUD_SECRET_KEY", "some-secret-key-value");
    let environment = config_from(&emu, json!({ "source": "environment" }));
    let refused = connector
        .send_message(&environment, &sign_in())
        .await
        .unwrap_err();
    let json = refused.to_json();
    let issue = &json["data"]["issues"][0];
    assert_eq!(json["data"]["tencentCode"], "AuthFailure.SecretIdNotFound");
    assert_eq!(issue["path"], json!(["credentials"]));
    let message = issue["message"].as_str().unwrap();
    assert!(
        message.contains("credentials.source environment")
            && message.contains("TENCENTCLOUD_SECRET_ID"),
        "{message}"
    );
    assert!(!json.to_string().contains("some-secret-key-value"));
    assert_eq!(
        emu.state.credential_requests(),
        2,
        "long-term keys are not renewed"
    );
}
