//! Benchmark helper: the raw limit. A plain Rust HTTP client sends pre-signed SendSms requests
//! to the emulator at a given concurrency, with nothing else in the way. Prints one JSON line.
//! `cargo run --release -p tencent-sms-core --example raw_limit -- <emulator-url> <concurrency> <count>`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use tencent_sms_core::clock::{Clock, SystemClock};
use tencent_sms_core::parse_message_data;
use tencent_sms_core::prepare_send;
use tencent_sms_core::validate_config;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args.first().expect("emulator url").clone();
    let concurrency: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(64);
    let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let templates = tencent_sms_core::testing::four_templates("1000001");
    let config = validate_config(&json!({ "accessKeyId": "AKIDLogtoEmulatorDemo", "accessKeySecret": "logto-emulator-demo-secret",
        "signName": "Logto", "sdkAppId": "1400000000", "region": "ap-guangzhou", "endpoint": url, "templates": templates }))
    .expect("valid config");
    let data = parse_message_data(
        &json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } }),
    )
    .unwrap();
    let request = prepare_send(&config, &data).unwrap();
    // Signed once: the same bytes are sent every time, so the client does no work per request.
    let header_map = request
        .headers(SystemClock.now_unix())
        .expect("the demo config fits in headers");
    let client = tencent_sms_core::testing::http_client_builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, next, headers, url, body) = (
            client.clone(),
            next.clone(),
            header_map.clone(),
            request.url.clone(),
            request.body.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut ok = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < count {
                let response = client
                    .post(url.clone())
                    .headers(headers.clone())
                    .body(body.clone())
                    .send()
                    .await;
                if let Ok(response) = response {
                    if response
                        .bytes()
                        .await
                        .is_ok_and(|b| b.windows(9).any(|w| w == b"\"Code\":\"O"))
                    {
                        ok += 1;
                    }
                }
            }
            ok
        }));
    }
    let mut ok = 0;
    for worker in workers {
        ok += worker.await.unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({ "concurrency": concurrency, "count": count, "ok": ok, "seconds": seconds, "sendsPerSecond": count as f64 / seconds })
    );
}
