//! `HTTP(S)_PROXY` are honoured for real endpoints and never used for loopback ones. One test
//! in its own binary, because the environment is process-wide and read when a client is built.

mod common;

use tencent_sms_runtime::{send_message, ClientOptions, Connector};
use tokio::net::TcpListener;

async fn recording_server() -> (u16, common::Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = common::Seen::default();
    let recorded = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(common::answer_one(tcp, recorded.clone()));
        }
    });
    (port, seen)
}

#[tokio::test]
async fn proxies_carry_real_endpoints_but_never_a_loopback_one() {
    let (proxy_port, through_proxy) = recording_server().await;
    let (direct_port, direct) = recording_server().await;
    for name in ["HTTP_PROXY", "HTTPS_PROXY"] {
        std::env::set_var(name, format!("http://127.0.0.1:{proxy_port}"));
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let client = Connector::new(ClientOptions::default());

    // Plain HTTP through a proxy would hand it the signed request, number and code in clear.
    let loopback = common::config(&format!("http://localhost:{direct_port}"));
    send_message(&client, &loopback, &common::sign_in())
        .await
        .unwrap();
    assert_eq!(direct.lock().unwrap().as_slice(), ["POST / HTTP/1.1"]);
    assert!(through_proxy.lock().unwrap().is_empty());

    let remote = common::config("https://sms.example.test");
    send_message(&client, &remote, &common::sign_in())
        .await
        .unwrap_err();
    let tunnelled = through_proxy.lock().unwrap().clone();
    assert!(
        !tunnelled.is_empty()
            && tunnelled
                .iter()
                .all(|line| line == "CONNECT sms.example.test:443 HTTP/1.1"),
        "a real endpoint goes through the proxy, as a TLS tunnel (retried as a connect failure): {tunnelled:?}"
    );
    assert_eq!(direct.lock().unwrap().len(), 1);
    for name in ["HTTP_PROXY", "HTTPS_PROXY"] {
        std::env::remove_var(name);
    }
}
