//! Benchmark helper: a throwaway PKI for HTTPS on loopback. Writes to `<dir>` a CA (`ca.pem`),
//! and a certificate it signed (`cert.pem`, with the CA after it) and its key (`key.pem`) for
//! `localhost`, `127.0.0.1` and Tencent's SMS host, which the official connector checks the
//! certificate against (it sends the signed `Host` header). The emulator serves HTTPS with the
//! certificate; each client trusts the CA the way an operator trusts a private one.
//! `cargo run --release -p tencent-sms-core --example bench_pki -- <dir>`

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("a directory"));
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "connector-tencent-sms-rs bench CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();

    let names = ["localhost", "127.0.0.1", "sms.tencentcloudapi.com"];
    let mut leaf = CertificateParams::new(names.map(str::to_owned).to_vec()).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    let key = KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &ca).unwrap();

    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), format!("{}{}", cert.pem(), ca.pem())).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
}
