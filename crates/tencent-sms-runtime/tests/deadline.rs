//! One deadline per call: queue wait, attempts and backoffs included, and a call that can no
//! longer start a request in time sends nothing.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tencent_sms_core::ErrorCode;
use tencent_sms_runtime::{send_message, ClientOptions, Connector};
use tencent_sms_runtime::{MAX_IN_FLIGHT, MIN_TIME_TO_SEND};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// Accepts connections and reads requests, but never answers; counts connections.
async fn silent_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut sink = [0u8; 4096];
                while tcp.read(&mut sink).await.is_ok_and(|n| n > 0) {}
            });
        }
    });
    (port, connections)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_to_a_silent_server_all_end_by_the_deadline_and_queued_ones_are_not_sent()
{
    let (port, connections) = silent_server().await;
    let deadline = Duration::from_millis(2_500);
    let client = Arc::new(Connector::new(ClientOptions {
        send_deadline: deadline,
        ..Default::default()
    }));
    let config = common::config(&format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let queued = 100;
    let sends: Vec<_> = (0..MAX_IN_FLIGHT + queued)
        .map(|_| {
            let (client, config) = (client.clone(), config.clone());
            tokio::spawn(async move {
                let outcome = send_message(&client, &config, &common::sign_in()).await;
                (outcome, started.elapsed())
            })
        })
        .collect();
    let mut not_sent = 0;
    for send in sends {
        let (outcome, elapsed) = send.await.unwrap();
        let failure = outcome.unwrap_err();
        assert_eq!(failure.code, ErrorCode::General);
        assert!(
            elapsed < deadline + Duration::from_millis(500),
            "answered after {elapsed:?}"
        );
        let text = failure.to_string();
        if text.contains("was not sent") {
            not_sent += 1;
        } else {
            assert!(text.contains("did not answer"), "{text}");
        }
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        MAX_IN_FLIGHT,
        "only the sends that got a slot in time reached the server"
    );
    assert_eq!(not_sent, queued);
    assert!(deadline > MIN_TIME_TO_SEND);
}
