//! Every published TC3-HMAC-SHA256 known-answer vector, plus the UTC-date and content-type cases.

use serde::Deserialize;
use tencent_sms_tc3::sign::{self as tc3, SignedHeader, SigningInput};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    name: String,
    secret_id: String,
    secret_key: String,
    service: String,
    host: String,
    timestamp: i64,
    content_type: String,
    body: String,
    signed_headers: String,
    action_header: Option<String>,
    date: String,
    hashed_canonical_request: String,
    signature: String,
    authorization: String,
}

#[derive(Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/tc3-vectors.json");
    serde_json::from_str::<Vectors>(text).unwrap().vectors
}

fn sign(v: &Vector, content_type: &str) -> tc3::Signature {
    let mut headers = vec![
        SignedHeader {
            name: "content-type",
            value: content_type,
        },
        SignedHeader {
            name: "host",
            value: &v.host,
        },
    ];
    if let Some(action) = &v.action_header {
        headers.push(SignedHeader {
            name: "x-tc-action",
            value: action,
        });
    }
    tc3::sign(
        &v.secret_key,
        &SigningInput {
            service: &v.service,
            timestamp: v.timestamp,
            headers,
            body: v.body.as_bytes(),
        },
    )
}

#[test]
fn every_vector_reproduces() {
    let all = vectors();
    assert!(all.len() >= 6);
    for v in &all {
        let s = sign(v, &v.content_type);
        assert_eq!(s.date, v.date, "{}: date", v.name);
        assert_eq!(
            s.canonical_request.signed_headers, v.signed_headers,
            "{}",
            v.name
        );
        assert_eq!(
            s.hashed_canonical_request, v.hashed_canonical_request,
            "{}: canonical request was\n{}",
            v.name, s.canonical_request
        );
        assert_eq!(s.signature, v.signature, "{}", v.name);
        assert_eq!(s.authorization(&v.secret_id), v.authorization, "{}", v.name);
    }
}

#[test]
fn scope_date_is_the_utc_date_not_beijing_time() {
    // 1551113065 is 2019-02-25 16:44:25 UTC, already 2019-02-26 in UTC+8.
    assert_eq!(tc3::utc_date(1551113065), "2019-02-25");
    let v = vectors()
        .into_iter()
        .find(|v| v.name == "sms-charset")
        .unwrap();
    assert!(sign(&v, &v.content_type)
        .credential_scope
        .starts_with("2019-02-25/sms/"));
}

#[test]
fn content_type_is_part_of_the_signature() {
    let all = vectors();
    let with = all.iter().find(|v| v.name == "sms-charset").unwrap();
    let without = all.iter().find(|v| v.name == "sms-no-charset").unwrap();
    assert_eq!(with.body, without.body);
    assert_eq!(
        sign(with, &without.content_type).signature,
        without.signature
    );
    assert_ne!(sign(with, &with.content_type).signature, without.signature);
}

#[test]
fn authorization_headers_parse_back() {
    for v in vectors() {
        let parsed = tc3::parse_authorization(&v.authorization).unwrap();
        assert_eq!(parsed.secret_id, v.secret_id);
        assert_eq!(parsed.date, v.date);
        assert_eq!(parsed.service, v.service);
        assert_eq!(parsed.signed_headers.join(";"), v.signed_headers);
        assert_eq!(parsed.signature, v.signature);
    }
    assert!(tc3::parse_authorization("Basic abc").is_none());
    assert!(tc3::parse_authorization(
        "TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00"
    )
    .is_none());
}
