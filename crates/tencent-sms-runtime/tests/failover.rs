//! Endpoint failover against two emulators: a request that cannot reach the primary endpoint
//! goes to the backup, a request that may have reached it never does, and a host found
//! unreachable is avoided for a while, then probed again.

mod common;

use std::time::{Duration, Instant};

use common::emulator;
use serde_json::{json, Value};
use tencent_sms_core::ErrorCode;
use tencent_sms_emulator::options::*;
use tencent_sms_emulator::RunningEmulator;
use tencent_sms_runtime::testing::RefusedPort;
use tencent_sms_runtime::{send_message, ClientOptions, Connector, FAILURES_TO_OPEN};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

fn config(endpoint: &str, backup: &str) -> Value {
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    json!({ "accessKeyId": DEMO_SECRET_ID, "accessKeySecret": DEMO_SECRET_KEY, "signName": DEMO_SIGN_NAME,
            "sdkAppId": DEMO_SDK_APP_ID, "region": "ap-guangzhou", "endpoint": endpoint,
            "backupEndpoint": backup, "templates": templates })
}

fn sign_in(n: u32) -> Value {
    json!({ "to": format!("86137{n:08}"), "type": "SignIn", "payload": { "code": "123456" } })
}

fn client(options: ClientOptions) -> Connector {
    Connector::new(options)
}

/// Accepts connections and reads whatever comes, never answering: a hung server.
async fn hung_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut sink = [0u8; 4096];
                while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    (port, task)
}

#[tokio::test]
async fn a_refused_connection_fails_over_to_the_backup_at_once() {
    let backup = emulator().await;
    let dead = RefusedPort::reserve();
    let primary = format!("http://127.0.0.1:{}", dead.port);
    let client = client(ClientOptions::default());
    let started = Instant::now();
    let result = send_message(&client, &config(&primary, &backup.url()), &sign_in(1))
        .await
        .unwrap();
    assert_eq!(result.phone_number, "+8613700000001");
    assert_eq!(backup.state.api_requests(), 1);
    assert_eq!(backup.state.messages().len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no backoff before the other host"
    );
}

#[tokio::test]
async fn a_tls_handshake_that_never_completes_fails_over_within_the_connect_timeout() {
    let backup = emulator().await;
    let (port, hung) = hung_server().await;
    let client = client(ClientOptions {
        connect_timeout: Duration::from_millis(300),
        ..Default::default()
    });
    let primary = format!("https://127.0.0.1:{port}");
    let started = Instant::now();
    send_message(&client, &config(&primary, &backup.url()), &sign_in(2))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(backup.state.messages().len(), 1);
    hung.abort();
}

#[tokio::test]
async fn a_request_that_may_have_reached_the_primary_is_never_sent_to_the_backup() {
    let backup = emulator().await;
    let (port, hung) = hung_server().await;
    let client = client(ClientOptions {
        request_timeout: Duration::from_millis(500),
        ..Default::default()
    });
    let primary = format!("http://127.0.0.1:{port}");
    let failure = send_message(&client, &config(&primary, &backup.url()), &sign_in(3))
        .await
        .unwrap_err();
    assert_eq!(failure.code, ErrorCode::General);
    assert!(
        format!("{:?}", failure.data).contains("may or may not have been sent"),
        "{:?}",
        failure.data
    );
    assert_eq!(backup.state.api_requests(), 0, "no second SMS");
    assert!(
        !client.avoids_host(&format!("127.0.0.1:{port}")),
        "a slow host is not a dead one"
    );
    hung.abort();
}

#[tokio::test]
async fn an_unreachable_host_is_avoided_for_a_while_then_probed_again() {
    let backup = emulator().await;
    let dead = RefusedPort::reserve();
    let port = dead.port;
    let primary_host = format!("127.0.0.1:{port}");
    let config = config(&format!("http://{primary_host}"), &backup.url());
    let client = client(ClientOptions {
        breaker_open_for: Duration::from_millis(400),
        ..Default::default()
    });
    for n in 0..FAILURES_TO_OPEN {
        send_message(&client, &config, &sign_in(10 + n))
            .await
            .unwrap();
    }
    assert!(client.avoids_host(&primary_host));
    // The primary comes back on the same port; while the breaker is open it gets nothing.
    drop(dead);
    let primary = RunningEmulator::start(EmulatorOptions {
        port,
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    send_message(&client, &config, &sign_in(20)).await.unwrap();
    assert_eq!(primary.state.api_requests(), 0);
    tokio::time::sleep(Duration::from_millis(450)).await;
    send_message(&client, &config, &sign_in(21)).await.unwrap();
    assert_eq!(
        primary.state.api_requests(),
        1,
        "the probe went to the primary"
    );
    assert!(!client.avoids_host(&primary_host));
    assert_eq!(
        backup.state.messages().len(),
        FAILURES_TO_OPEN as usize + 1,
        "every send was delivered exactly once"
    );
}

#[tokio::test]
async fn without_a_backup_an_unreachable_endpoint_is_retried_and_named() {
    let dead = RefusedPort::reserve();
    let port = dead.port;
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    let config = json!({ "accessKeyId": DEMO_SECRET_ID, "accessKeySecret": DEMO_SECRET_KEY, "signName": DEMO_SIGN_NAME,
            "sdkAppId": DEMO_SDK_APP_ID, "region": "ap-guangzhou", "endpoint": format!("http://127.0.0.1:{port}"), "templates": templates });
    let failure = send_message(&client(ClientOptions::default()), &config, &sign_in(30))
        .await
        .unwrap_err();
    let text = format!("{:?}", failure.data);
    assert!(
        text.contains(&format!(
            "could not connect to Tencent SMS at 127.0.0.1:{port}"
        )),
        "{text}"
    );
}
