//! Benchmark helper: HTTPS in front of the emulator, so the benchmark measures what production
//! pays (Tencent is HTTPS only). It makes a throwaway CA and a certificate for `localhost` (and
//! Tencent's SMS host, which the official connector checks against) signed by it, writes the
//! CA to `<dir>/ca.pem`, terminates TLS on a loopback port and relays each connection to the
//! emulator over plain TCP. Prints `https://localhost:<port>` once ready.
//! `cargo run --release -p tencent-sms-core --example tls_front -- <emulator-url> <dir>`

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};

/// The CA (written for the clients to trust) and the server's chain and key.
fn throwaway_pki() -> (String, Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "connector-tencent-sms-rs bench CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    // The official connector's `got` checks the certificate against the signed `Host` header.
    let names = ["localhost", "127.0.0.1", "sms.tencentcloudapi.com"];
    let mut leaf = CertificateParams::new(names.map(str::to_owned).to_vec()).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &ca).unwrap();
    let key = PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    (
        ca.pem(),
        vec![leaf_cert.der().clone(), ca.der().clone()],
        key,
    )
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let upstream = args.first().expect("emulator url");
    let upstream = upstream
        .strip_prefix("http://")
        .expect("an http:// emulator url")
        .trim_end_matches('/')
        .to_owned();
    let dir = std::path::PathBuf::from(args.get(1).expect("a directory for ca.pem"));

    let (ca_pem, chain, key) = throwaway_pki();
    std::fs::write(dir.join("ca.pem"), ca_pem).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );

    let upstream: Arc<str> = upstream.into();
    while let Ok((client, _)) = listener.accept().await {
        let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
        tokio::spawn(async move {
            let _ = client.set_nodelay(true);
            let Ok(mut tls) = acceptor.accept(client).await else {
                return;
            };
            let Ok(mut plain) = TcpStream::connect(&*upstream).await else {
                return;
            };
            let _ = plain.set_nodelay(true);
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
        });
    }
}
