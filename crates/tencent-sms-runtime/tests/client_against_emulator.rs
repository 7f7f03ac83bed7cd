//! The core's SendSms client against the emulator: retry safety (counted on the server) and
//! clock-skew recovery with an injectable clock.

mod common;

use std::sync::Arc;

use common::emulator;
use serde_json::{json, Value};
use tencent_sms_core::ErrorCode;
use tencent_sms_emulator::FaultSpec;
use tencent_sms_emulator::RunningEmulator;
use tencent_sms_runtime::clock::OffsetClock;
use tencent_sms_runtime::{send_message, ClientOptions, Connector};

use common::emulator_config as config;

fn sign_in() -> Value {
    json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } })
}

fn fault(value: Value) -> FaultSpec {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn a_wrong_clock_is_corrected_from_the_date_header_and_remembered() {
    let emu = emulator().await;
    let clock = Arc::new(OffsetClock::new(600));
    let client = Connector::new(ClientOptions {
        clock: clock.clone(),
        ..Default::default()
    });
    let result = send_message(&client, &config(&emu.url()), &sign_in())
        .await
        .unwrap();
    assert_eq!(result.phone_number, "+8613711112222");
    assert_eq!(
        emu.state.api_requests(),
        2,
        "one SignatureExpire, one corrected retry"
    );
    let host = emu.url().trim_start_matches("http://").to_owned();
    assert!(
        (-601..=-599).contains(&client.clock_offset(&host)),
        "offset {}",
        client.clock_offset(&host)
    );
    send_message(&client, &config(&emu.url()), &sign_in())
        .await
        .unwrap();
    assert_eq!(
        emu.state.api_requests(),
        3,
        "later sends are right the first time"
    );
}

#[tokio::test]
async fn a_clock_correction_applies_to_the_host_it_was_learned_from_only() {
    let (first, second) = (emulator().await, emulator().await);
    let client = Connector::new(ClientOptions {
        clock: Arc::new(OffsetClock::new(600)),
        ..Default::default()
    });
    send_message(&client, &config(&first.url()), &sign_in())
        .await
        .unwrap();
    let second_host = second.url().trim_start_matches("http://").to_owned();
    assert_eq!(client.clock_offset(&second_host), 0);
    send_message(&client, &config(&second.url()), &sign_in())
        .await
        .unwrap();
    assert_eq!(
        second.state.api_requests(),
        2,
        "the second site's clock is learned from the second site"
    );
}

#[tokio::test]
async fn signature_expire_is_retried_once_only() {
    let emu = emulator().await;
    let client = Connector::new(ClientOptions {
        clock: Arc::new(OffsetClock::new(-900)),
        ..Default::default()
    });
    emu.state
        .inject(fault(
            json!({ "kind": "tencentError", "code": "AuthFailure.SignatureExpire", "count": 5 }),
        ))
        .unwrap();
    let failure = send_message(&client, &config(&emu.url()), &sign_in())
        .await
        .unwrap_err();
    assert_eq!(failure.code, ErrorCode::General);
    assert_eq!(failure.tencent_code(), Some("AuthFailure.SignatureExpire"));
    assert_eq!(emu.state.api_requests(), 2);
}

#[tokio::test]
async fn request_limit_is_retried_at_most_twice() {
    let emu = emulator().await;
    let client = Connector::new(ClientOptions::default());
    emu.state
        .inject(fault(
            json!({ "kind": "tencentError", "code": "RequestLimitExceeded", "count": 2 }),
        ))
        .unwrap();
    send_message(&client, &config(&emu.url()), &sign_in())
        .await
        .unwrap();
    assert_eq!(emu.state.api_requests(), 3);
    emu.state.inject(fault(json!({ "kind": "tencentError", "code": "RequestLimitExceeded.IPLimitExceeded", "count": 3 }))).unwrap();
    let failure = send_message(&client, &config(&emu.url()), &sign_in())
        .await
        .unwrap_err();
    assert_eq!(failure.code, ErrorCode::RateLimitExceeded);
    assert_eq!(emu.state.api_requests(), 6);
}

#[tokio::test]
async fn nothing_is_retried_once_the_body_may_have_been_delivered() {
    let emu = emulator().await;
    let client = Connector::new(ClientOptions {
        request_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    });
    for kind in [
        json!({ "kind": "resetBeforeBody" }),
        json!({ "kind": "resetAfterBody" }),
        json!({ "kind": "delay", "ms": 1000 }),
        json!({ "kind": "httpStatus", "status": 503 }),
        json!({ "kind": "tencentError", "code": "InternalError.Timeout" }),
    ] {
        let before = emu.state.api_requests();
        emu.state.inject(fault(kind.clone())).unwrap();
        let failure = send_message(&client, &config(&emu.url()), &sign_in())
            .await
            .unwrap_err();
        assert_eq!(failure.code, ErrorCode::General, "{kind}");
        assert_eq!(
            emu.state.api_requests() - before,
            1,
            "{kind} must not be retried"
        );
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_twice_then_general() {
    let refused = tencent_sms_runtime::testing::RefusedPort::reserve();
    let client = Connector::new(ClientOptions::default());
    let started = std::time::Instant::now();
    let failure = send_message(
        &client,
        &config(&format!("http://127.0.0.1:{}", refused.port)),
        &sign_in(),
    )
    .await
    .unwrap_err();
    assert_eq!(failure.code, ErrorCode::General);
    assert!(
        failure.to_string().contains("could not connect"),
        "{failure}"
    );
    assert!(
        started.elapsed().as_millis() >= 100,
        "two backoffs happened"
    );
}

/// What the binding holds for `getUsage`: a connector and the config as JSON text.
struct Usage {
    connector: Connector,
    config: String,
}

impl Usage {
    fn against(emu: &RunningEmulator) -> Self {
        Self {
            connector: Connector::default(),
            config: config(&emu.url()).to_string(),
        }
    }

    async fn since(&self, start: Option<i64>) -> u64 {
        self.connector.get_usage(&self.config, start).await.unwrap()
    }

    async fn send(
        &self,
    ) -> Result<tencent_sms_core::SendResult, tencent_sms_core::ConnectorFailure> {
        self.connector
            .send_message(&self.config, &sign_in().to_string())
            .await
    }
}

#[tokio::test]
async fn get_usage_reads_the_emulators_billing_counts() {
    let emu = emulator().await;
    let usage = Usage::against(&emu);
    let now = chrono::Utc::now().timestamp();
    assert_eq!(usage.since(None).await, 0);
    for _ in 0..3 {
        usage.send().await.unwrap();
    }
    emu.state
        .inject(fault(
            json!({ "kind": "sendStatusCode", "code": "LimitExceeded.PhoneNumberDailyLimit" }),
        ))
        .unwrap();
    usage.send().await.unwrap_err();
    let since_an_hour_ago = usage.since(Some(now - 3600)).await;
    assert_eq!(since_an_hour_ago, 3, "billed messages only");
    let over_70_days = usage.since(Some(now - 70 * 86_400)).await;
    assert_eq!(over_70_days, 3, "summed over several 31-day windows");
    // Two hours on (the client learns the emulator's clock from its first refusal), the hour
    // the messages were sent in is no longer the current one.
    let two_hours_on = Connector::new(ClientOptions {
        clock: Arc::new(OffsetClock::new(7200)),
        ..Default::default()
    });
    let future = two_hours_on
        .get_usage(&usage.config, Some(now + 7200))
        .await
        .unwrap();
    assert_eq!(future, 0);
}

#[tokio::test]
async fn get_usage_asks_tencent_again_only_for_the_current_hour() {
    let emu = emulator().await;
    let usage = Usage::against(&emu);
    let now = chrono::Utc::now().timestamp();
    let a_year_ago = Some(now - 365 * 86_400);
    let (first, second) = tokio::join!(usage.since(a_year_ago), usage.since(a_year_ago));
    assert_eq!((first, second), (0, 0));
    let cold = emu.state.api_requests();
    assert!(
        (13..=16).contains(&cold),
        "a year is about 14 windows, asked once by two concurrent calls: {cold}"
    );
    usage.send().await.unwrap();
    assert_eq!(
        usage.since(a_year_ago).await,
        1,
        "the current hour is always asked"
    );
    assert_eq!(
        emu.state.api_requests(),
        cold + 2,
        "one send, one usage request"
    );
}

#[tokio::test]
async fn a_refusals_review_lookup_ends_within_the_clients_own_deadline() {
    let emu = emulator().await;
    let deadline = std::time::Duration::from_millis(2_000);
    let connector = Connector::new(ClientOptions {
        send_deadline: deadline,
        ..Default::default()
    });
    // A template the account lacks: Tencent refuses it, after a second here.
    let mut config = config(&emu.url());
    for template in config["templates"].as_array_mut().unwrap() {
        template["templateCode"] = json!("9999999");
    }
    emu.state
        .inject(fault(json!({ "kind": "delay", "ms": 1_000 })))
        .unwrap();
    // The review lookup that follows the refusal finds a server that takes 5 s.
    emu.state
        .inject(fault(json!({ "kind": "delay", "ms": 5_000 })))
        .unwrap();
    let started = std::time::Instant::now();
    let failure = connector
        .send_message(&config.to_string(), &sign_in().to_string())
        .await
        .unwrap_err();
    assert_eq!(
        failure.tencent_code(),
        Some("FailedOperation.TemplateIncorrectOrUnapproved")
    );
    let took = started.elapsed();
    assert!(
        took < deadline + std::time::Duration::from_millis(300),
        "the send took {took:?} with a {deadline:?} deadline"
    );
}
