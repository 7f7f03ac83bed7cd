//! An emulator that listens on a network on purpose (`listenOnNetwork`): the SMS API stays
//! open, while the page, the control API and the event stream need the access token, as a
//! bearer token or through the page's login cookie; whatever `Host` a container name gives.

use serde_json::json;
use tencent_sms_emulator::options::*;
use tencent_sms_emulator::{AccessToken, EmulatorOptions, RunningEmulator};
use tencent_sms_runtime::{send_message, ClientOptions, Connector};

const TOKEN: &str = "network-test-token-0123";

async fn on_network() -> RunningEmulator {
    RunningEmulator::start(EmulatorOptions {
        listen_on_network: true,
        access_token: Some(AccessToken(TOKEN.to_owned())),
        frequency_limit_seconds: 0,
        ..EmulatorOptions::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_metadata_service_hands_keys_only_to_the_token_and_the_scheme_is_case_insensitive() {
    let emu = RunningEmulator::start(EmulatorOptions {
        listen_on_network: true,
        access_token: Some(AccessToken(TOKEN.to_owned())),
        roles: vec![tencent_sms_emulator::EmulatedRole {
            name: "sms".into(),
            lifetime_seconds: 600,
            web_identity_token: None,
        }],
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    let http = tencent_sms_runtime::testing::http_client();
    let keys = format!(
        "{}/latest/meta-data/cam/security-credentials/sms",
        emu.url()
    );
    let without = http.get(&keys).send().await.unwrap();
    assert_eq!(without.status(), 401, "no keys without the token");
    assert_eq!(emu.state.credential_requests(), 0);
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let with = http
            .get(&keys)
            .header("authorization", format!("{scheme} {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(with.status(), 200, "{scheme}");
    }
    assert_eq!(emu.state.credential_requests(), 3);
}

#[tokio::test]
async fn the_inbox_and_the_control_api_need_the_token_and_the_sms_api_does_not() {
    let emu = on_network().await;
    let http = tencent_sms_runtime::testing::http_client();
    let url = emu.url();
    // The SMS API: open, as Tencent's (it checks signatures).
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    let config = json!({ "accessKeyId": DEMO_SECRET_ID, "accessKeySecret": DEMO_SECRET_KEY, "signName": DEMO_SIGN_NAME,
        "sdkAppId": DEMO_SDK_APP_ID, "region": "ap-guangzhou", "endpoint": url, "templates": templates });
    let client = Connector::new(ClientOptions::default());
    let sign_in =
        json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "424242" } });
    send_message(&client, &config, &sign_in).await.unwrap();

    let get = |path: &str| {
        http.get(format!("{url}{path}"))
            .header("host", "sms-emulator:9000")
    };
    let page = get("/").send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.unwrap().contains("Access token"),
        "the login form"
    );
    for path in [
        "/_emulator/messages",
        "/_emulator/events",
        "/_emulator/refusals",
        "/_emulator/stats",
    ] {
        let refused = get(path).send().await.unwrap();
        assert_eq!(refused.status(), 401, "{path}");
        assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    }
    let wrong = get("/_emulator/messages")
        .bearer_auth("network-test-token-0124")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let inbox = get("/_emulator/messages")
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(inbox.status(), 200);
    assert!(inbox.text().await.unwrap().contains("424242"));
    assert_eq!(
        get("/_emulator/health").send().await.unwrap().status(),
        200,
        "health is open"
    );

    let login = |token: &str| {
        http.post(format!("{url}/_emulator/login"))
            .header("host", "sms-emulator:9000")
            .json(&json!({ "token": token }))
            .send()
    };
    assert_eq!(login("nope").await.unwrap().status(), 401);
    let logged_in = login(TOKEN).await.unwrap();
    assert_eq!(logged_in.status(), 204);
    let cookie = logged_in.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let page = get("/").header("cookie", &session).send().await.unwrap();
    assert!(
        page.text().await.unwrap().contains("/_emulator/events"),
        "the inbox page itself"
    );
    let cleared = http
        .delete(format!("{url}/_emulator/messages"))
        .header("host", "sms-emulator:9000")
        .header("origin", "http://sms-emulator:9000")
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200, "the page's own writes work");
    let forged = http
        .delete(format!("{url}/_emulator/messages"))
        .header("host", "sms-emulator:9000")
        .header("origin", "http://attacker.example")
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        403,
        "writes from another origin, token or not"
    );
}

#[tokio::test]
async fn a_network_address_is_refused_without_listen_on_network_and_a_token() {
    for options in [
        EmulatorOptions {
            host: "0.0.0.0".into(),
            ..EmulatorOptions::default()
        },
        EmulatorOptions {
            host: "0.0.0.0".into(),
            listen_on_network: true,
            ..EmulatorOptions::default()
        },
    ] {
        let refused = RunningEmulator::start(options).await.unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::InvalidInput);
    }
}
