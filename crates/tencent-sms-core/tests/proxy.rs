//! `HTTP(S)_PROXY` and `NO_PROXY` are honoured. One test in its own binary, because the
//! environment is process-wide and read when a client is built.

mod common;

use tencent_sms_core::{send_message, ClientOptions, SmsClient};
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
async fn proxy_variables_route_requests_and_no_proxy_bypasses_them() {
    let (proxy_port, through_proxy) = recording_server().await;
    let (direct_port, direct) = recording_server().await;
    let config = common::config(&format!("http://localhost:{direct_port}"));

    std::env::set_var("HTTP_PROXY", format!("http://127.0.0.1:{proxy_port}"));
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let proxied = SmsClient::new(ClientOptions::default()).unwrap();
    send_message(&proxied, &config, &common::sign_in())
        .await
        .unwrap();
    assert_eq!(
        through_proxy.lock().unwrap().as_slice(),
        [format!("POST http://localhost:{direct_port}/ HTTP/1.1")]
    );
    assert!(direct.lock().unwrap().is_empty());

    std::env::set_var("NO_PROXY", "localhost");
    let bypassing = SmsClient::new(ClientOptions::default()).unwrap();
    send_message(&bypassing, &config, &common::sign_in())
        .await
        .unwrap();
    assert_eq!(direct.lock().unwrap().as_slice(), ["POST / HTTP/1.1"]);
    assert_eq!(through_proxy.lock().unwrap().len(), 1);
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("NO_PROXY");
}
