//! The emulator verifies like Tencent, applies SendSms rules with Tencent's codes,
//! keeps an inbox, injects faults, and frees its port on close.

mod common;

use common::emulator;
use serde_json::{json, Value};
use tencent_sms_emulator::options::*;
use tencent_sms_emulator::{EmulatorOptions, Fault, FaultSpec, RunningEmulator};
use tencent_sms_tc3::sign::{self as tc3, SignedHeader, SigningInput};

/// One hand-built API call, valid unless a test changes a field.
struct Call {
    secret_id: String,
    secret_key: String,
    timestamp: i64,
    service: String,
    scope_date: Option<String>,
    action: Option<String>,
    version: Option<String>,
    region: Option<String>,
    content_type: String,
    signed_host: Option<String>,
    sign_action_header: bool,
    authorization: Option<String>,
    body: Value,
    tamper_body: bool,
}

impl Call {
    fn new(body: Value) -> Self {
        Self {
            secret_id: DEMO_SECRET_ID.into(),
            secret_key: DEMO_SECRET_KEY.into(),
            timestamp: chrono::Utc::now().timestamp(),
            service: "sms".into(),
            scope_date: None,
            action: Some("SendSms".into()),
            version: Some("2021-01-11".into()),
            region: Some("ap-guangzhou".into()),
            content_type: "application/json".into(),
            signed_host: None,
            sign_action_header: false,
            authorization: None,
            body,
            tamper_body: false,
        }
    }

    async fn send(self, url: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
        let host = url.trim_start_matches("http://").to_owned();
        let body = serde_json::to_vec(&self.body).unwrap();
        let signed_host = self.signed_host.clone().unwrap_or_else(|| host.clone());
        let mut headers = vec![
            SignedHeader {
                name: "content-type",
                value: &self.content_type,
            },
            SignedHeader {
                name: "host",
                value: &signed_host,
            },
        ];
        if self.sign_action_header {
            headers.push(SignedHeader {
                name: "x-tc-action",
                value: self.action.as_deref().unwrap(),
            });
        }
        let signature = tc3::sign(
            &self.secret_key,
            &SigningInput {
                service: &self.service,
                timestamp: self.timestamp,
                headers,
                body: &body,
            },
        );
        let mut authorization = signature.authorization(&self.secret_id);
        authorization = authorization.replace("/sms/", &format!("/{}/", self.service));
        if let Some(date) = &self.scope_date {
            authorization = authorization.replace(&signature.date, date);
        }
        let mut request = tencent_sms_runtime::testing::http_client()
            .post(format!("{url}/"))
            .header("content-type", &self.content_type)
            .header("x-tc-timestamp", self.timestamp.to_string())
            .header(
                "authorization",
                self.authorization.clone().unwrap_or(authorization),
            );
        for (name, value) in [
            ("x-tc-action", &self.action),
            ("x-tc-version", &self.version),
            ("x-tc-region", &self.region),
        ] {
            if let Some(value) = value {
                request = request.header(name, value);
            }
        }
        let mut sent = body.clone();
        if self.tamper_body {
            sent = serde_json::to_vec(&json!({ "tampered": true })).unwrap();
        }
        let response = request.body(sent).send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let value = response.json().await.unwrap_or(Value::Null);
        (status, headers, value)
    }
}

fn send_body(number: &str, template: &str, params: &[&str], sign: Option<&str>) -> Value {
    let mut body = json!({ "PhoneNumberSet": [number], "SmsSdkAppId": DEMO_SDK_APP_ID, "TemplateId": template, "TemplateParamSet": params });
    if let Some(sign) = sign {
        body["SignName"] = json!(sign);
    }
    body
}

fn mainland() -> Value {
    send_body(
        "+8613711112222",
        DEMO_MAINLAND_TEMPLATE_ID,
        &["123456"],
        Some(DEMO_SIGN_NAME),
    )
}

fn error_code(body: &Value) -> &str {
    body["Response"]["Error"]["Code"]
        .as_str()
        .unwrap_or("<no error>")
}

fn status_code(body: &Value) -> &str {
    body["Response"]["SendStatusSet"][0]["Code"]
        .as_str()
        .unwrap_or("<no status>")
}

#[tokio::test]
async fn a_valid_request_is_delivered_and_rendered() {
    let emu = emulator().await;
    let (status, headers, body) = Call::new(mainland()).send(&emu.url()).await;
    assert_eq!(status, 200);
    assert!(headers.contains_key("date"));
    assert_eq!(status_code(&body), "Ok", "{body}");
    assert_eq!(body["Response"]["SendStatusSet"][0]["IsoCode"], "CN");
    assert!(body["Response"]["RequestId"].as_str().unwrap().len() == 36);
    let inbox = emu.state.messages();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        inbox[0].content,
        "【Logto】Your verification code is 123456. It is valid for 10 minutes."
    );
    assert_eq!(inbox[0].params, ["123456"]);
}

#[tokio::test]
async fn signature_rules_use_tencent_codes() {
    let emu = emulator().await;
    let url = emu.url();
    type Change = Box<dyn Fn(&mut Call)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "AuthFailure.SecretIdNotFound",
            Box::new(|c| c.secret_id = "AKIDunknown".into()),
        ),
        (
            "AuthFailure.SignatureFailure",
            Box::new(|c| c.secret_key = "wrong".into()),
        ),
        (
            "AuthFailure.SignatureFailure",
            Box::new(|c| c.tamper_body = true),
        ),
        (
            "AuthFailure.SignatureFailure",
            Box::new(|c| c.service = "cvm".into()),
        ),
        (
            "AuthFailure.SignatureFailure",
            Box::new(|c| c.scope_date = Some("2001-01-01".into())),
        ),
        (
            "AuthFailure.SignatureFailure",
            Box::new(|c| c.signed_host = Some("sms.tencentcloudapi.com".into())),
        ),
        (
            "AuthFailure.SignatureExpire",
            Box::new(|c| c.timestamp -= 301),
        ),
        (
            "AuthFailure.SignatureExpire",
            Box::new(|c| c.timestamp += 600),
        ),
        (
            // `now - timestamp` overflows i64 here; it must still be too old, not accepted.
            "AuthFailure.SignatureExpire",
            Box::new(|c| c.timestamp = c.timestamp.wrapping_add(i64::MIN)),
        ),
        (
            "AuthFailure.InvalidAuthorization",
            Box::new(|c| c.authorization = Some("Basic dXNlcjpwdw==".into())),
        ),
        (
            "AuthFailure.InvalidAuthorization",
            Box::new(|c| {
                c.authorization = Some(format!("TC3-HMAC-SHA256 Credential={DEMO_SECRET_ID}/2024-01-01/sms/tc3_request, SignedHeaders=content-type, Signature={}", "0".repeat(64)))
            }),
        ),
        ("MissingParameter", Box::new(|c| c.region = None)),
        ("MissingParameter", Box::new(|c| c.version = None)),
        (
            "UnsupportedRegion",
            Box::new(|c| c.region = Some("Mars".into())),
        ),
        (
            "InvalidAction",
            Box::new(|c| c.action = Some("DescribeInstances".into())),
        ),
        (
            "NoSuchVersion",
            Box::new(|c| c.version = Some("2019-07-11".into())),
        ),
    ];
    for (expected, change) in cases {
        let mut call = Call::new(mainland());
        change(&mut call);
        let (status, headers, body) = call.send(&url).await;
        assert_eq!(status, 200, "{expected}");
        assert!(headers.contains_key("date"));
        assert_eq!(error_code(&body), expected, "{body}");
        assert!(body["Response"]["RequestId"].is_string());
    }
    assert!(
        emu.state.messages().is_empty(),
        "nothing may be delivered by a refused request"
    );
}

#[tokio::test]
async fn accepted_signature_variants() {
    let emu = emulator().await;
    let bare_host = emu
        .url()
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    let mut call = Call::new(mainland());
    call.signed_host = Some(bare_host);
    assert_eq!(
        status_code(&call.send(&emu.url()).await.2),
        "Ok",
        "a signature over the bare host"
    );
    let mut call = Call::new(mainland());
    call.sign_action_header = true;
    assert_eq!(
        status_code(&call.send(&emu.url()).await.2),
        "Ok",
        "content-type;host;x-tc-action"
    );
    let mut call = Call::new(mainland());
    call.content_type = "application/json; charset=utf-8".into();
    call.timestamp -= 299;
    assert_eq!(
        status_code(&call.send(&emu.url()).await.2),
        "Ok",
        "charset and 299 s of skew"
    );
}

#[tokio::test]
async fn sendsms_request_level_rules() {
    let emu = emulator().await;
    let many: Vec<String> = (0..201).map(|i| format!("+86137{i:08}")).collect();
    let cases = vec![
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", {
            let mut b = mainland();
            b["SmsSdkAppId"] = json!("1499999999");
            b
        }),
        (
            "FailedOperation.SignatureIncorrectOrUnapproved",
            send_body(
                "+8613711112222",
                DEMO_MAINLAND_TEMPLATE_ID,
                &["1"],
                Some("Other"),
            ),
        ),
        (
            "FailedOperation.SignatureIncorrectOrUnapproved",
            send_body("+8613711112222", DEMO_MAINLAND_TEMPLATE_ID, &["1"], None),
        ),
        (
            "FailedOperation.TemplateIncorrectOrUnapproved",
            send_body("+8613711112222", "999", &["1"], Some(DEMO_SIGN_NAME)),
        ),
        (
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
            send_body(
                "+8613711112222",
                DEMO_MAINLAND_TEMPLATE_ID,
                &["1", "en"],
                Some(DEMO_SIGN_NAME),
            ),
        ),
        (
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
            send_body(
                "+8613711112222",
                DEMO_MAINLAND_TEMPLATE_ID,
                &[],
                Some(DEMO_SIGN_NAME),
            ),
        ),
        (
            "MissingParameter",
            json!({ "SmsSdkAppId": DEMO_SDK_APP_ID, "TemplateId": "1" }),
        ),
        (
            "MissingParameter.EmptyPhoneNumberSet",
            send_body("+1", DEMO_MAINLAND_TEMPLATE_ID, &["1"], None)
                .tap(|b| b["PhoneNumberSet"] = json!([])),
        ),
        (
            "LimitExceeded.PhoneNumberCountLimit",
            mainland().tap(|b| b["PhoneNumberSet"] = json!(many)),
        ),
        (
            "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
            mainland().tap(|b| b["PhoneNumberSet"] = json!(["+8613711112222", "+16502530000"])),
        ),
        (
            "InvalidParameter",
            mainland().tap(|b| b["TemplateParamSet"] = json!([123456])),
        ),
    ];
    for (expected, body) in cases {
        let (_, _, answer) = Call::new(body).send(&emu.url()).await;
        assert_eq!(error_code(&answer), expected, "{answer}");
    }
    assert!(emu.state.messages().is_empty());
}

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> Self;
}

impl Tap for Value {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

#[tokio::test]
async fn per_number_rules_answer_in_send_status_set() {
    let emu = emulator().await;
    let cases = vec![
        (
            "InvalidParameterValue.IncorrectPhoneNumber",
            send_body(
                "+86123",
                DEMO_MAINLAND_TEMPLATE_ID,
                &["1"],
                Some(DEMO_SIGN_NAME),
            ),
        ),
        (
            "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
            send_body(
                "+16502530000",
                DEMO_MAINLAND_TEMPLATE_ID,
                &["1"],
                Some(DEMO_SIGN_NAME),
            ),
        ),
        (
            "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
            send_body(
                "+8613711112222",
                DEMO_INTERNATIONAL_TEMPLATE_ID,
                &["1"],
                Some(DEMO_SIGN_NAME),
            ),
        ),
    ];
    for (expected, body) in cases {
        let (_, _, answer) = Call::new(body).send(&emu.url()).await;
        assert_eq!(status_code(&answer), expected, "{answer}");
        assert_eq!(answer["Response"]["SendStatusSet"][0]["Fee"], 0);
    }
    assert!(emu.state.messages().is_empty());
}

#[tokio::test]
async fn international_numbers_need_no_sign_and_mainland_forms_are_all_plus_86() {
    let emu = emulator().await;
    let (_, _, answer) = Call::new(send_body(
        "+16502530000",
        DEMO_INTERNATIONAL_TEMPLATE_ID,
        &["654321"],
        None,
    ))
    .send(&emu.url())
    .await;
    assert_eq!(status_code(&answer), "Ok", "{answer}");
    assert_eq!(answer["Response"]["SendStatusSet"][0]["IsoCode"], "US");
    let mainland_send = |number: &str| {
        Call::new(send_body(
            number,
            DEMO_MAINLAND_TEMPLATE_ID,
            &["1"],
            Some(DEMO_SIGN_NAME),
        ))
    };
    for form in ["008613711112222", "8613711112222", "13711112222"] {
        let (_, _, answer) = mainland_send(form).send(&emu.url()).await;
        assert_eq!(
            answer["Response"]["SendStatusSet"][0]["PhoneNumber"], "+8613711112222",
            "{form}"
        );
    }
    let (_, _, answer) = mainland_send("16502530000").send(&emu.url()).await;
    assert_eq!(
        answer["Response"]["SendStatusSet"][0]["PhoneNumber"], "+8616502530000",
        "an 11-digit US number without + is read as mainland, like Tencent"
    );
    assert_eq!(
        emu.state.messages()[0].content,
        "Your Logto verification code is 654321."
    );
}

#[tokio::test]
async fn the_frequency_limit_is_per_number() {
    let emu = RunningEmulator::start(EmulatorOptions::default())
        .await
        .unwrap();
    let (_, _, first) = Call::new(mainland()).send(&emu.url()).await;
    assert_eq!(status_code(&first), "Ok");
    let (_, _, second) = Call::new(mainland()).send(&emu.url()).await;
    assert_eq!(
        status_code(&second),
        "LimitExceeded.PhoneNumberThirtySecondLimit"
    );
    let other = send_body(
        "+8613711113333",
        DEMO_MAINLAND_TEMPLATE_ID,
        &["1"],
        Some(DEMO_SIGN_NAME),
    );
    assert_eq!(
        status_code(&Call::new(other).send(&emu.url()).await.2),
        "Ok"
    );
    emu.state.clear();
    assert_eq!(
        status_code(&Call::new(mainland()).send(&emu.url()).await.2),
        "Ok",
        "clear() forgets the limit"
    );
}

#[tokio::test]
async fn the_inbox_is_served_over_http_and_can_be_cleared() {
    let emu = emulator().await;
    Call::new(mainland()).send(&emu.url()).await;
    let http = tencent_sms_runtime::testing::http_client();
    let messages: Value = http
        .get(format!("{}/_emulator/messages", emu.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(messages[0]["phoneNumber"], "+8613711112222");
    assert_eq!(messages[0]["signName"], "Logto");
    assert_eq!(messages[0]["templateId"], DEMO_MAINLAND_TEMPLATE_ID);
    assert!(messages[0]["receivedAt"].as_str().unwrap().ends_with('Z'));
    http.delete(format!("{}/_emulator/messages", emu.url()))
        .send()
        .await
        .unwrap();
    assert!(emu.state.messages().is_empty());
}

async fn inject(url: &str, fault: Value) {
    let status = tencent_sms_runtime::testing::http_client()
        .post(format!("{url}/_emulator/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200, "{fault}");
}

#[tokio::test]
async fn faults_apply_to_the_next_n_requests() {
    let emu = emulator().await;
    let url = emu.url();
    inject(
        &url,
        json!({ "kind": "httpStatus", "status": 503, "count": 2 }),
    )
    .await;
    assert_eq!(Call::new(mainland()).send(&url).await.0, 503);
    assert_eq!(Call::new(mainland()).send(&url).await.0, 503);
    assert_eq!(Call::new(mainland()).send(&url).await.0, 200);

    let raw = |fault: Value| {
        let url = url.clone();
        async move {
            inject(&url, fault).await;
            let response = tencent_sms_runtime::testing::http_client()
                .post(format!("{url}/"))
                .body("{}")
                .send()
                .await;
            match response {
                Ok(r) => Ok((
                    r.status().as_u16(),
                    r.headers().get("content-type").cloned(),
                    r.bytes().await.unwrap().to_vec(),
                )),
                Err(e) => Err(e),
            }
        }
    };
    let (status, content_type, body) = raw(json!({ "kind": "htmlPage" })).await.unwrap();
    assert_eq!(
        (status, content_type.unwrap()),
        (502, "text/html".parse().unwrap())
    );
    assert!(String::from_utf8_lossy(&body).contains("<html>"));
    let (status, _, body) = raw(json!({ "kind": "truncatedJson" })).await.unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    let (_, _, body) = raw(json!({ "kind": "invalidJson" })).await.unwrap();
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    let (_, _, body) = raw(json!({ "kind": "oversize", "bytes": 1_100_000 }))
        .await
        .unwrap();
    assert!(body.len() > 1_048_576);
    let (_, _, body) = raw(json!({ "kind": "tencentError", "code": "InternalError.Timeout" }))
        .await
        .unwrap();
    assert_eq!(
        error_code(&serde_json::from_slice(&body).unwrap()),
        "InternalError.Timeout"
    );
    assert!(raw(json!({ "kind": "resetBeforeBody" })).await.is_err());
    assert!(raw(json!({ "kind": "resetAfterBody" })).await.is_err());

    inject(
        &url,
        json!({ "kind": "sendStatusCode", "code": "LimitExceeded.PhoneNumberDailyLimit" }),
    )
    .await;
    assert_eq!(
        status_code(&Call::new(mainland()).send(&url).await.2),
        "LimitExceeded.PhoneNumberDailyLimit"
    );

    inject(&url, json!({ "kind": "delay", "ms": 300 })).await;
    let started = std::time::Instant::now();
    assert_eq!(status_code(&Call::new(mainland()).send(&url).await.2), "Ok");
    assert!(started.elapsed().as_millis() >= 300);

    let bad = tencent_sms_runtime::testing::http_client()
        .post(format!("{url}/_emulator/faults"))
        .body("{\"kind\":\"nope\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[test]
fn fault_specs_parse_from_json_with_defaults_and_refuse_unknown_fields() {
    let parse = |value: Value| serde_json::from_value::<FaultSpec>(value);
    let spec = parse(json!({ "kind": "tencentError", "code": "X", "count": 3 })).unwrap();
    assert_eq!(spec.count, 3);
    assert_eq!(
        spec.fault,
        Fault::TencentError {
            code: "X".into(),
            message: None
        }
    );
    assert_eq!(parse(json!({ "kind": "invalidJson" })).unwrap().count, 1);
    assert_eq!(
        parse(json!({ "kind": "htmlPage" })).unwrap().fault,
        Fault::HtmlPage { status: 502 }
    );
    assert!(parse(json!({ "kind": "delay", "ms": 1, "extra": true })).is_err());
    assert!(parse(json!({ "kind": "noSuchFault" })).is_err());
}

#[tokio::test]
async fn faults_out_of_bounds_are_refused_with_400_and_the_server_keeps_serving() {
    let emu = emulator().await;
    let url = emu.url();
    for fault in [
        json!({ "kind": "oversize", "bytes": 1_099_511_627_776u64 }),
        json!({ "kind": "oversize", "bytes": 0 }),
        json!({ "kind": "delay", "ms": 86_400_000 }),
        json!({ "kind": "httpStatus", "status": 1000 }),
        json!({ "kind": "tencentError", "code": "" }),
        json!({ "kind": "invalidJson", "count": 0 }),
        json!({ "kind": "invalidJson", "count": 4_294_967_295u64 }),
    ] {
        let response = tencent_sms_runtime::testing::http_client()
            .post(format!("{url}/_emulator/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{fault}");
        assert!(response
            .text()
            .await
            .unwrap()
            .starts_with("invalid fault: "));
    }
    let (_, _, body) = Call::new(mainland()).send(&url).await;
    assert_eq!(
        status_code(&body),
        "Ok",
        "nothing was queued, and the server lives"
    );
}

#[tokio::test]
async fn a_large_count_is_a_counter_applied_to_that_many_requests() {
    let emu = emulator().await;
    let url = emu.url();
    inject(
        &url,
        json!({ "kind": "tencentError", "code": "InternalError.Timeout", "count": 100_000 }),
    )
    .await;
    for _ in 0..3 {
        let (_, _, body) = Call::new(mainland()).send(&url).await;
        assert_eq!(error_code(&body), "InternalError.Timeout");
    }
    emu.state.clear();
    let (_, _, body) = Call::new(mainland()).send(&url).await;
    assert_eq!(status_code(&body), "Ok");
}

#[tokio::test]
async fn close_frees_the_port() {
    let mut emu = emulator().await;
    let port = emu.local_addr.port();
    emu.close().await;
    assert!(tencent_sms_runtime::testing::http_client()
        .get(format!("http://127.0.0.1:{port}/_emulator/health"))
        .send()
        .await
        .is_err());
    let again = RunningEmulator::start(EmulatorOptions {
        port,
        ..Default::default()
    })
    .await;
    assert!(again.is_ok(), "the port is free again");
}

#[tokio::test]
async fn send_status_statistics_rules() {
    let emu = emulator().await;
    let statistics = |body: Value| {
        let mut call = Call::new(body);
        call.action = Some("SendStatusStatistics".into());
        call
    };
    let valid = json!({ "BeginTime": "2024050100", "EndTime": "2024050123", "SmsSdkAppId": DEMO_SDK_APP_ID, "Limit": 0, "Offset": 0 });
    let (_, _, answer) = statistics(valid.clone()).send(&emu.url()).await;
    assert_eq!(
        answer["Response"]["SendStatusStatistics"],
        json!({ "FeeCount": 0, "RequestCount": 0, "RequestSuccessCount": 0 })
    );
    let cases = [
        (
            "InvalidParameterValue",
            valid.clone().tap(|b| b["BeginTime"] = json!("2024-05-01")),
        ),
        (
            "InvalidParameterValue",
            valid.clone().tap(|b| b["EndTime"] = json!("2024043023")),
        ),
        (
            "MissingParameter",
            valid.clone().tap(|b| {
                b.as_object_mut()
                    .unwrap()
                    .remove("Limit")
                    .map(drop)
                    .unwrap_or(())
            }),
        ),
        (
            "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
            valid
                .clone()
                .tap(|b| b["SmsSdkAppId"] = json!("1499999999")),
        ),
    ];
    for (expected, body) in cases {
        assert_eq!(
            error_code(&statistics(body).send(&emu.url()).await.2),
            expected
        );
    }
}
