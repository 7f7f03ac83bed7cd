//! The live inbox page: served at `/` and `/_emulator/`, fed by `/_emulator/events`, showing
//! refused requests from `/_emulator/refusals`; answering only to loopback names and refusing
//! cross-site writes. (The browser test, `__test__/inbox-page.test.mjs`, drives the page.)

mod common;

use std::time::Duration;

use common::emulator;
use serde_json::{json, Value};
use tencent_sms_emulator::options::{DEMO_MAINLAND_TEMPLATE_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use tencent_sms_emulator::RunningEmulator;
use tencent_sms_runtime::{send_message, ClientOptions, Connector};

fn config(emu: &RunningEmulator, secret: &str) -> Value {
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    json!({ "accessKeyId": DEMO_SECRET_ID, "accessKeySecret": secret, "signName": "Logto",
        "sdkAppId": "1400000000", "region": "ap-guangzhou", "endpoint": emu.url(), "templates": templates })
}

async fn send(emu: &RunningEmulator, secret: &str, code: &str) -> bool {
    let client = Connector::new(ClientOptions::default());
    let data = json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": code } });
    send_message(&client, &config(emu, secret), &data)
        .await
        .is_ok()
}

#[tokio::test]
async fn the_page_is_served_at_the_root_and_under_emulator() {
    let emu = emulator().await;
    for path in ["/", "/_emulator/", "/_emulator"] {
        let answer = tencent_sms_runtime::testing::get(format!("{}{path}", emu.url()))
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert!(answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(answer.headers().contains_key("content-security-policy"));
        let html = answer.text().await.unwrap();
        assert!(html.contains("<title>Tencent SMS emulator · inbox</title>"));
        assert!(html.contains("new EventSource(\"/_emulator/events\")"));
    }
}

#[tokio::test]
async fn refused_requests_are_listed_with_tencents_code() {
    let emu = emulator().await;
    assert!(send(&emu, DEMO_SECRET_KEY, "1111").await);
    assert!(!send(&emu, "not-the-secret", "2222").await);
    let refusals: Value =
        tencent_sms_runtime::testing::get(format!("{}/_emulator/refusals", emu.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let refusals = refusals.as_array().unwrap();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0]["code"], "AuthFailure.SignatureFailure");
    assert_eq!(refusals[0]["action"], "SendSms");
    assert!(refusals[0]["requestId"].as_str().unwrap().len() == 36);
    emu.state.clear();
    assert!(emu.state.refusals().is_empty());
}

/// Reads the feed until `count` `change` events arrived, or fails after a few seconds.
async fn changes(mut feed: reqwest::Response, count: usize) -> usize {
    let mut seen = 0;
    let mut text = String::new();
    while seen < count {
        let chunk = tokio::time::timeout(Duration::from_secs(5), feed.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .expect("the feed stays open");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        seen = text.matches("event: change\n").count();
    }
    seen
}

#[tokio::test]
async fn the_feed_announces_each_change() {
    let emu = emulator().await;
    let feed = tencent_sms_runtime::testing::get(format!("{}/_emulator/events", emu.url()))
        .await
        .unwrap();
    assert_eq!(feed.headers()["content-type"], "text/event-stream");
    // One on connecting (so the page reads the lists), then one per delivery, refusal, clear.
    let counting = tokio::spawn(changes(feed, 4));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(send(&emu, DEMO_SECRET_KEY, "1234").await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!send(&emu, "wrong", "5678").await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    emu.state.clear();
    assert_eq!(counting.await.unwrap(), 4);
}

#[tokio::test]
async fn only_loopback_names_and_same_origin_writes_are_answered() {
    let emu = emulator().await;
    let http = tencent_sms_runtime::testing::http_client();
    let rebound = http
        .get(format!("{}/_emulator/messages", emu.url()))
        .header("host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403, "DNS rebinding is refused");
    let cross_site = http
        .delete(format!("{}/_emulator/messages", emu.url()))
        .header("origin", "https://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403, "a cross-site write is refused");
    let port = emu.local_addr.port();
    for other_port in [
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
        format!("http://localhost:{}", port.wrapping_add(1)),
    ] {
        // A text/plain form post, as a page on another loopback port can make without CORS.
        let form = http
            .post(format!("{}/_emulator/faults", emu.url()))
            .header("origin", &other_port)
            .header("content-type", "text/plain")
            .body(r#"{"kind":"httpStatus","status":502}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), 403, "{other_port} is another origin");
    }
    let fault = http
        .post(format!("{}/_emulator/faults", emu.url()))
        .header("origin", emu.url())
        .json(&json!({ "kind": "httpStatus", "status": 502 }))
        .send()
        .await
        .unwrap();
    assert_eq!(fault.status(), 200, "the page's own writes work");
    // The API itself answers whatever Host was signed, as Tencent's does.
    assert!(
        !send(&emu, DEMO_SECRET_KEY, "1").await,
        "the armed fault answers 502"
    );
}
