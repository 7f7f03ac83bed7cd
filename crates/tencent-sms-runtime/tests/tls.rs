//! TLS certificates are verified: a self-signed loopback HTTPS server is refused, and accepted
//! only when its root is trusted (through `ClientOptions::extra_root_certificates_pem`, or
//! `SSL_CERT_FILE` as an operator would).

mod common;

use std::sync::Arc;

use tencent_sms_core::ErrorCode;
use tencent_sms_runtime::{send_message, ClientOptions, Connector};
use tokio::net::TcpListener;

async fn self_signed_server() -> (u16, String, common::Seen) {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let pem = cert.pem();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = common::Seen::default();
    let recorded = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), recorded.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    common::answer_one(tls, seen).await;
                }
            });
        }
    });
    (port, pem, seen)
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_and_a_trusted_one_accepted() {
    let (port, pem, seen) = self_signed_server().await;
    let config = common::config(&format!("https://localhost:{port}"));

    let default_client = Connector::new(ClientOptions {
        max_retries: 0,
        ..Default::default()
    });
    let failure = send_message(&default_client, &config, &common::sign_in())
        .await
        .unwrap_err();
    assert_eq!(failure.code, ErrorCode::General);
    assert!(
        failure.to_string().to_lowercase().contains("certificate"),
        "{failure}"
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "no request crossed an unverified connection"
    );

    let trusting = Connector::new(ClientOptions {
        extra_root_certificates_pem: vec![pem.into_bytes()],
        ..Default::default()
    });
    let result = send_message(&trusting, &config, &common::sign_in())
        .await
        .unwrap();
    assert_eq!(result.iso_code, "CN");
    assert_eq!(seen.lock().unwrap().as_slice(), ["POST / HTTP/1.1"]);
}

/// Operators trust a private CA or a TLS-inspecting proxy through `SSL_CERT_FILE`, which the
/// platform verifier reads when the client is built (it replaces the system store).
#[tokio::test]
async fn a_root_in_ssl_cert_file_is_trusted() {
    let (port, pem, seen) = self_signed_server().await;
    let bundle = std::env::temp_dir().join(format!("tencent-sms-tls-{}.pem", std::process::id()));
    std::fs::write(&bundle, pem).unwrap();
    // The other test in this binary builds its clients without this root, so the variable
    // cannot make it trust its own (different) self-signed server.
    std::env::set_var("SSL_CERT_FILE", &bundle);
    let client = Connector::new(ClientOptions::default());
    // The connector builds its client on first use: build it while the variable is set.
    client.client().expect("the client builds");
    std::env::remove_var("SSL_CERT_FILE");
    let config = common::config(&format!("https://localhost:{port}"));
    let result = send_message(&client, &config, &common::sign_in()).await;
    let _ = std::fs::remove_file(&bundle);
    assert_eq!(result.unwrap().iso_code, "CN");
    assert_eq!(seen.lock().unwrap().as_slice(), ["POST / HTTP/1.1"]);
}
