//! Benchmark helper: the raw limit. A plain Rust HTTP client sends one pre-signed SendSms
//! request over and over at a given concurrency, with nothing else in the way. Prints one JSON
//! line. `cargo run --release -p tencent-sms-core --example raw_limit -- <url> <concurrency>
//! <count> [tasks|parking]`
//!
//! `tasks` (the default) loops inside tokio tasks: the most a client on this machine can do.
//! `parking` starts every request from a thread outside the runtime and waits there for its
//! outcome, the way a connector called from Node's thread must: each send wakes a parked
//! worker and the answer wakes the calling thread. It is the fair reference for a connector.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use tokio::runtime::Runtime;

use serde_json::json;
use tencent_sms_core::parse_message_data;
use tencent_sms_core::prepare_send;
use tencent_sms_runtime::clock::{Clock, SystemClock};
use tencent_sms_runtime::validate_config;

/// One pre-signed request: the same bytes every time, so the client does no work per send.
#[derive(Clone)]
struct Presigned {
    client: reqwest::Client,
    url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
}

impl Presigned {
    fn new(url: &str, concurrency: usize) -> Self {
        let templates = tencent_sms_core::testing::four_templates("1000001");
        let config = validate_config(&json!({ "accessKeyId": "AKIDLogtoEmulatorDemo", "accessKeySecret": "logto-emulator-demo-secret",
            "signName": "Logto", "sdkAppId": "1400000000", "region": "ap-guangzhou", "endpoint": url, "templates": templates }))
        .expect("valid config");
        let data = parse_message_data(
            &json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } }),
        )
        .unwrap();
        let request = prepare_send(&config, &data).unwrap();
        let headers = request
            .headers(
                &request.endpoint.host_header,
                SystemClock.now_unix(),
                request.credentials.keys().expect("the config's keys"),
            )
            .expect("the demo config fits in headers");
        let client = tencent_sms_runtime::testing::http_client_builder()
            .pool_max_idle_per_host(concurrency)
            .build()
            .unwrap();
        Self {
            client,
            url: request.endpoint.url.clone(),
            headers,
            body: request.body.clone(),
        }
    }

    /// Whether one send came back `Ok`.
    async fn send(&self) -> bool {
        let response = self
            .client
            .post(self.url.clone())
            .headers(self.headers.clone())
            .body(self.body.clone())
            .send()
            .await;
        match response {
            Ok(response) => response
                .bytes()
                .await
                .is_ok_and(|b| b.windows(9).any(|w| w == b"\"Code\":\"O")),
            Err(_) => false,
        }
    }
}

/// Sends from tokio tasks, each looping until `count` sends have started.
fn in_tasks(runtime: &Runtime, presigned: Presigned, concurrency: usize, count: usize) -> usize {
    runtime.block_on(async move {
        let next = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                let (presigned, next) = (presigned.clone(), next.clone());
                tokio::spawn(async move {
                    let mut ok = 0usize;
                    while next.fetch_add(1, Ordering::Relaxed) < count {
                        ok += usize::from(presigned.send().await);
                    }
                    ok
                })
            })
            .collect();
        let mut ok = 0;
        for worker in workers {
            ok += worker.await.unwrap();
        }
        ok
    })
}

/// Sends started from this thread, `concurrency` at a time; each outcome comes back to this
/// thread over a channel.
fn parking(runtime: &Runtime, presigned: Presigned, concurrency: usize, count: usize) -> usize {
    let (done, outcomes) = mpsc::channel::<bool>();
    let start = |presigned: &Presigned| {
        let (presigned, done) = (presigned.clone(), done.clone());
        runtime.spawn(async move {
            let _ = done.send(presigned.send().await);
        });
    };
    let mut started = 0;
    while started < concurrency.min(count) {
        start(&presigned);
        started += 1;
    }
    let mut ok = 0;
    for _ in 0..count {
        ok += usize::from(outcomes.recv().unwrap());
        if started < count {
            start(&presigned);
            started += 1;
        }
    }
    ok
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args.first().expect("endpoint url").clone();
    let concurrency: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(64);
    let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let mode = args.get(3).map_or("tasks", String::as_str);
    // Shaped like the connector's runtime: one worker per core, at most two.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap();
    let presigned = runtime.block_on(async { Presigned::new(&url, concurrency) });
    // The first sends open the connections (DNS, TCP, TLS): like the Node children's warm-up,
    // they are left out of the timing.
    let warmup = concurrency.min(count);
    let run = |count| match mode {
        "parking" => parking(&runtime, presigned.clone(), concurrency, count),
        _ => in_tasks(&runtime, presigned.clone(), concurrency, count),
    };
    run(warmup);
    let started = Instant::now();
    let ok = run(count);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({ "mode": mode, "concurrency": concurrency, "count": count, "ok": ok, "seconds": seconds, "sendsPerSecond": count as f64 / seconds })
    );
}
