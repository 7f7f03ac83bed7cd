//! Benchmark helper: the SMS guard's decision per send (every rule on: countries, number type,
//! per IP, per number range, international per day), in microseconds, counted in this process
//! and, given a Redis URL, in Redis. Prints one JSON line.
//! `cargo run --release -p tencent-sms-core --example guard_cost -- [iterations] [redis://…]`

use std::time::Instant;

use serde_json::json;
use tencent_sms_core::{normalize_e164, GuardConfig, GuardedSend};
use tencent_sms_runtime::{validate_config, Guard};

fn guard_config(redis_url: Option<&str>) -> GuardConfig {
    let templates = tencent_sms_core::testing::four_templates("1110");
    let mut guard = json!({ "allowedCountries": ["CN", "US"], "numberTypes": ["mobile", "fixedLineOrMobile"],
        "perIp": { "max": 1_000_000, "windowSeconds": 3600 }, "perPrefix": { "max": 1_000_000, "windowSeconds": 3600 },
        "internationalDailyLimit": 1_000_000 });
    if let Some(url) = redis_url {
        guard["redisUrl"] = json!(url);
    }
    let config = validate_config(&json!({ "accessKeyId": "AKIDEXAMPLE", "accessKeySecret": "SECRETEXAMPLE",
        "signName": "Logto", "sdkAppId": "1400006666", "region": "ap-guangzhou", "templates": templates, "guard": guard }))
    .expect("valid config");
    config.guard.expect("a guard")
}

/// Mean microseconds per decision over `iterations` sends to alternating numbers and IPs.
async fn decide(guard: &Guard, config: &GuardConfig, iterations: u32) -> f64 {
    let numbers = [
        normalize_e164("8613711112222").unwrap(),
        normalize_e164("16502530000").unwrap(),
    ];
    let started = Instant::now();
    for i in 0..iterations {
        let ip = format!("10.0.{}.{}", (i / 256) % 256, i % 256);
        let send = GuardedSend {
            account: "1400006666",
            to: &numbers[(i % 2) as usize],
            ip: Some(&ip),
            now: 1_700_000_000,
            message_type: Some("SignIn"),
        };
        guard.admit(config, send).await.expect("admitted");
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(iterations)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let iterations: u32 = args.first().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let in_process = decide(&Guard::default(), &guard_config(None), iterations).await;
    let redis = match args.get(1) {
        Some(url) => {
            Some(decide(&Guard::default(), &guard_config(Some(url)), iterations / 10).await)
        }
        None => None,
    };
    println!("{}", json!({ "inProcessUs": in_process, "redisUs": redis }));
}
