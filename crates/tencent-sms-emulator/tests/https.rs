//! Given a certificate, the emulator serves HTTPS: the connector's client sends over TLS to it
//! when it trusts the certificate, refuses it when it does not, and a reset fault still ends
//! the connection with RST under TLS. Bad certificate options are refused by name.

use serde_json::{json, Value};
use tencent_sms_core::ErrorCode;
use tencent_sms_emulator::options::*;
use tencent_sms_emulator::{EmulatorOptions, EmulatorTls, FaultSpec, RunningEmulator};
use tencent_sms_runtime::{send_message, ClientOptions, Connector};

/// A self-signed certificate for `localhost`, as the emulator's TLS option and as PEM to trust.
fn localhost_tls() -> (EmulatorTls, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let tls = EmulatorTls {
        certificate_chain: cert.pem(),
        private_key: key.serialize_pem(),
    };
    (tls, cert.pem())
}

async fn https_emulator(tls: EmulatorTls) -> RunningEmulator {
    RunningEmulator::start(EmulatorOptions {
        frequency_limit_seconds: 0,
        tls: Some(tls),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap()
}

fn config(emulator: &RunningEmulator) -> Value {
    let endpoint = format!("https://localhost:{}", emulator.local_addr.port());
    let templates = tencent_sms_core::testing::four_templates(DEMO_MAINLAND_TEMPLATE_ID);
    json!({ "accessKeyId": DEMO_SECRET_ID, "accessKeySecret": DEMO_SECRET_KEY, "signName": DEMO_SIGN_NAME,
            "sdkAppId": DEMO_SDK_APP_ID, "region": "ap-guangzhou", "endpoint": endpoint, "templates": templates })
}

fn sign_in() -> Value {
    json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } })
}

fn trusting(pem: &str) -> Connector {
    Connector::new(ClientOptions {
        max_retries: 0,
        extra_root_certificates_pem: vec![pem.as_bytes().to_vec()],
        ..Default::default()
    })
}

/// One send with `client` fails as `general`, its description naming `word`, and the emulator
/// has seen exactly one API request in all (`why` says which one).
async fn fails_naming(client: &Connector, emulator: &RunningEmulator, word: &str, why: &str) {
    let failure = send_message(client, &config(emulator), &sign_in())
        .await
        .unwrap_err();
    assert_eq!(failure.code, ErrorCode::General);
    assert!(failure.to_string().contains(word), "{failure}");
    assert_eq!(emulator.state.api_requests(), 1, "{why}");
}

#[tokio::test]
async fn a_client_that_trusts_the_certificate_sends_over_https() {
    let (tls, pem) = localhost_tls();
    let emulator = https_emulator(tls).await;
    assert!(
        emulator.url().starts_with("https://127.0.0.1:"),
        "{}",
        emulator.url()
    );

    let result = send_message(&trusting(&pem), &config(&emulator), &sign_in())
        .await
        .unwrap();
    assert_eq!(result.phone_number, "+8613711112222");
    assert_eq!(emulator.state.messages().len(), 1, "delivered to the inbox");

    let untrusting = Connector::new(ClientOptions {
        max_retries: 0,
        ..Default::default()
    });
    fails_naming(
        &untrusting,
        &emulator,
        "certificate",
        "nothing crossed the handshake",
    )
    .await;
}

#[tokio::test]
async fn a_reset_fault_resets_the_connection_under_tls_too() {
    let (tls, pem) = localhost_tls();
    let emulator = https_emulator(tls).await;
    let reset: FaultSpec = serde_json::from_value(json!({ "kind": "resetAfterBody" })).unwrap();
    emulator.state.inject(reset).unwrap();
    let why = "not retried: it may have been delivered";
    fails_naming(&trusting(&pem), &emulator, "reset", why).await;
}

#[tokio::test]
async fn bad_certificate_options_are_refused_by_name() {
    let (tls, _) = localhost_tls();
    let (other, _) = localhost_tls();
    let cases = [
        (
            EmulatorTls {
                certificate_chain: "not pem".into(),
                ..tls.clone()
            },
            "tls.certificateChain",
        ),
        (
            EmulatorTls {
                private_key: "not pem".into(),
                ..tls.clone()
            },
            "tls.privateKey is not",
        ),
        (
            EmulatorTls {
                private_key: other.private_key,
                ..tls
            },
            "tls.privateKey does not fit",
        ),
    ];
    for (tls, expected) in cases {
        let options = EmulatorOptions {
            tls: Some(tls),
            ..EmulatorOptions::default()
        };
        let error = options.validate().unwrap_err();
        assert!(error.contains(expected), "{error}");
        let started = RunningEmulator::start(options).await.unwrap_err();
        assert_eq!(started.kind(), std::io::ErrorKind::InvalidInput);
    }
}

#[tokio::test]
async fn pipelined_requests_over_tls_are_all_answered() {
    use rustls::pki_types::pem::PemObject;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (tls, pem) = localhost_tls();
    let emulator = https_emulator(tls).await;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).unwrap())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(emulator.local_addr)
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut stream = connector.connect(name, tcp).await.unwrap();
    let request = "GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    stream
        .write_all(request.repeat(500).as_bytes())
        .await
        .unwrap();
    stream.flush().await.unwrap();
    let mut answers = Vec::new();
    let mut chunk = vec![0u8; 65536];
    let read_all = async {
        while String::from_utf8_lossy(&answers)
            .matches("HTTP/1.1 200 OK")
            .count()
            < 500
        {
            let n = stream.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            answers.extend_from_slice(&chunk[..n]);
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), read_all).await;
    assert_eq!(
        String::from_utf8_lossy(&answers)
            .matches("HTTP/1.1 200 OK")
            .count(),
        500
    );
}
