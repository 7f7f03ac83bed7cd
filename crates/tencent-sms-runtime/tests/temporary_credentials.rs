//! Temporary credentials, as Tencent checks them: a request signed with them must carry their
//! token in `X-TC-Token` before they expire; long-term keys must come without one. Roles hand
//! out such credentials through the metadata service and STS.

use serde_json::{json, Value};
use tencent_sms_core::{parse_message_data, prepare_send, SigningKeys};
use tencent_sms_emulator::options::*;
use tencent_sms_emulator::{Credential, EmulatedRole, EmulatorOptions, RunningEmulator};
use tencent_sms_runtime::validate_config;
use tencent_sms_tc3::SecretKey;

const NOW_PLUS_HOUR: i64 = 3_600;

async fn emulator() -> RunningEmulator {
    let now = chrono::Utc::now().timestamp();
    let temporary = |id: &str, expires_at: i64| Credential {
        secret_id: id.to_owned(),
        secret_key: "tmp-key".to_owned(),
        token: Some("the-token".to_owned()),
        expires_at: Some(expires_at),
    };
    let mut options = EmulatorOptions {
        frequency_limit_seconds: 0,
        roles: vec![EmulatedRole {
            name: "sms".into(),
            lifetime_seconds: 60,
            web_identity_token: None,
        }],
        ..EmulatorOptions::default()
    };
    options
        .credentials
        .push(temporary("AKIDtmpValid", now + NOW_PLUS_HOUR));
    options
        .credentials
        .push(temporary("AKIDtmpExpired", now - 1));
    RunningEmulator::start(options).await.unwrap()
}

/// SendSms signed with `keys` (and their token, if any): Tencent's error code, or `None`.
async fn refusal(emu: &RunningEmulator, keys: &SigningKeys) -> Option<String> {
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    let config = validate_config(&json!({ "accessKeyId": "unused", "accessKeySecret": "unused", "signName": DEMO_SIGN_NAME,
        "sdkAppId": DEMO_SDK_APP_ID, "region": "ap-guangzhou", "endpoint": emu.url(), "templates": templates }))
    .unwrap();
    let data = parse_message_data(
        &json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "1" } }),
    )
    .unwrap();
    let request = prepare_send(&config, &data).unwrap();
    let headers = request
        .headers(
            &request.endpoint.host_header,
            chrono::Utc::now().timestamp(),
            keys,
        )
        .unwrap();
    let answer: Value = tencent_sms_runtime::testing::http_client()
        .post(emu.url())
        .headers(headers)
        .body(request.body.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["Response"]["Error"]["Code"]
        .as_str()
        .map(str::to_owned)
}

fn keys(id: &str, secret: &str, token: Option<&str>) -> SigningKeys {
    SigningKeys {
        secret_id: id.to_owned(),
        secret_key: SecretKey::new(secret.to_owned()),
        token: token.map(|t| SecretKey::new(t.to_owned())),
    }
}

#[tokio::test]
async fn temporary_credentials_need_their_own_token_until_they_expire() {
    let emu = emulator().await;
    let failure = Some("AuthFailure.TokenFailure".to_owned());
    assert_eq!(
        refusal(&emu, &keys("AKIDtmpValid", "tmp-key", Some("the-token"))).await,
        None
    );
    assert_eq!(
        refusal(&emu, &keys("AKIDtmpValid", "tmp-key", None)).await,
        failure,
        "no token"
    );
    assert_eq!(
        refusal(&emu, &keys("AKIDtmpValid", "tmp-key", Some("another"))).await,
        failure,
        "another token"
    );
    assert_eq!(
        refusal(&emu, &keys("AKIDtmpExpired", "tmp-key", Some("the-token"))).await,
        failure,
        "expired"
    );
    assert_eq!(
        refusal(
            &emu,
            &keys(DEMO_SECRET_ID, DEMO_SECRET_KEY, Some("the-token"))
        )
        .await,
        failure,
        "a token with long-term keys"
    );
    assert_eq!(
        refusal(&emu, &keys(DEMO_SECRET_ID, DEMO_SECRET_KEY, None)).await,
        None
    );
}

#[tokio::test]
async fn the_metadata_service_issues_a_roles_credentials_which_the_api_accepts() {
    let emu = emulator().await;
    let base = format!("{}/latest/meta-data/cam/security-credentials/", emu.url());
    let http = tencent_sms_runtime::testing::http_client();
    let role = http.get(&base).send().await.unwrap().text().await.unwrap();
    assert_eq!(role, "sms");
    let issued: Value = http
        .get(format!("{base}sms"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issued["Code"], "Success");
    let id = issued["TmpSecretId"].as_str().unwrap();
    let secret = issued["TmpSecretKey"].as_str().unwrap();
    let token = issued["Token"].as_str().unwrap();
    assert!(issued["ExpiredTime"].as_i64().unwrap() > chrono::Utc::now().timestamp());
    assert_eq!(refusal(&emu, &keys(id, secret, Some(token))).await, None);
    assert_eq!(emu.state.credential_requests(), 1);
    let missing = http.get(format!("{base}other")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}
