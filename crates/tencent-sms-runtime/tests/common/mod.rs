//! Shared by the runtime's integration tests: a minimal HTTP/1.1 responder for transport tests
//! (reads one request per connection, answers a SendSms success, records what it saw), and
//! the emulator the client tests send to. Each test binary uses a part of it.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub(crate) type Seen = Arc<Mutex<Vec<String>>>;

pub(crate) fn success_body() -> String {
    json!({ "Response": { "SendStatusSet": [{ "SerialNo": "s", "PhoneNumber": "+8613711112222", "Fee": 1,
        "Code": "Ok", "Message": "send success", "IsoCode": "CN" }], "RequestId": "r" } })
    .to_string()
}

/// Reads the request head and body, records the request line, answers 200 with a success.
pub(crate) async fn answer_one<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, seen: Seen) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    seen.lock()
        .unwrap()
        .push(head.lines().next().unwrap_or_default().to_owned());
    let body = success_body();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

pub(crate) fn config(endpoint: &str) -> Value {
    let templates = tencent_sms_core::testing::four_templates("1110");
    json!({ "accessKeyId": "AKIDEXAMPLE", "accessKeySecret": "SECRETEXAMPLE", "signName": "Logto",
            "sdkAppId": "1400006666", "region": "ap-guangzhou", "endpoint": endpoint, "templates": templates })
}

pub(crate) fn sign_in() -> Value {
    json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } })
}

/// A config that sends to the demo emulator at `url` with its keys, app, sign and templates.
pub(crate) fn emulator_config(url: &str) -> Value {
    use tencent_sms_emulator::options::*;
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    json!({ "accessKeyId": DEMO_SECRET_ID, "accessKeySecret": DEMO_SECRET_KEY, "signName": DEMO_SIGN_NAME,
            "sdkAppId": DEMO_SDK_APP_ID, "region": "ap-guangzhou", "endpoint": url, "templates": templates })
}

/// The demo emulator with the frequency limit off, so tests can send freely.
pub(crate) async fn emulator() -> tencent_sms_emulator::RunningEmulator {
    tencent_sms_emulator::RunningEmulator::start(tencent_sms_emulator::EmulatorOptions {
        frequency_limit_seconds: 0,
        ..Default::default()
    })
    .await
    .unwrap()
}
