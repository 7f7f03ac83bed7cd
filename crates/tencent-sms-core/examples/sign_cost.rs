//! Benchmark helper: the cost of building and signing one SendSms request (the headers,
//! including TC3-HMAC-SHA256), in nanoseconds. Prints one JSON line.
//! `cargo run --release -p tencent-sms-core --example sign_cost -- [iterations]`

use std::hint::black_box;
use std::time::Instant;

use serde_json::json;
use tencent_sms_core::parse_message_data;
use tencent_sms_core::prepare_send;
use tencent_sms_core::validate_config;

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let templates = tencent_sms_core::testing::four_templates("1110");
    let config = validate_config(&json!({ "accessKeyId": "AKIDEXAMPLE", "accessKeySecret": "SECRETEXAMPLE",
        "signName": "腾讯云", "sdkAppId": "1400006666", "region": "ap-guangzhou", "templates": templates }), &Default::default())
    .expect("valid config");
    let data = parse_message_data(
        &json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } }),
    )
    .unwrap();
    let request = prepare_send(&config, &data).unwrap();

    let keys = request.credentials.keys().expect("the config's keys");
    let started = Instant::now();
    for i in 0..iterations {
        let host = &request.endpoint.host_header;
        black_box(
            request
                .headers(host, 1_700_000_000 + i64::from(i % 60), keys)
                .ok(),
        );
    }
    let sign_ns = started.elapsed().as_nanos() as f64 / f64::from(iterations);

    let started = Instant::now();
    for _ in 0..iterations {
        let request = prepare_send(&config, &data).unwrap();
        black_box(
            request
                .headers(
                    &request.endpoint.host_header,
                    1_700_000_000,
                    request.credentials.keys().expect("the config's keys"),
                )
                .ok(),
        );
    }
    let build_and_sign_ns = started.elapsed().as_nanos() as f64 / f64::from(iterations);
    println!(
        "{}",
        json!({ "iterations": iterations, "signNs": sign_ns, "buildAndSignNs": build_and_sign_ns })
    );
}
