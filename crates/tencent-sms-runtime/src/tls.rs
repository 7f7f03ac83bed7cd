//! TLS for every connection to Tencent: rustls on the `ring` provider, certificates verified
//! against the platform's trust store (on Linux the system bundle, or `SSL_CERT_FILE` /
//! `SSL_CERT_DIR` when set).
//!
//! `ring` rather than aws-lc-rs (reqwest's default) for two measured reasons: aws-lc seeds its
//! random generator on first use with CPU-jitter entropy, about 30 ms that every process paid
//! on its first send, i.e. on some user's sign-in after each Logto restart; and aws-lc's C and
//! assembly were about a third of the addon. `ring` seeds from the OS (`getrandom`), its
//! handshake and record costs are on par for the few KiB a send exchanges, and it is all this
//! client needs: TLS 1.2 and 1.3 with the usual ECDHE suites and RSA/ECDSA certificates.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::ClientConfig;

/// The client TLS config: ring, TLS 1.2 and 1.3, the platform verifier, plus `extra_roots`
/// (DER certificates; tests only) trusted beside the platform's store.
pub(crate) fn client_config(
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<ClientConfig, rustls::Error> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        extra_roots_verifier(extra_roots, provider.clone())
    }?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}

#[cfg(any(all(unix, not(target_os = "android")), target_os = "windows"))]
fn extra_roots_verifier(
    roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
}

#[cfg(not(any(all(unix, not(target_os = "android")), target_os = "windows")))]
fn extra_roots_verifier(
    _roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    _provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    Err(rustls::Error::General(
        "extra root certificates are not supported on this platform".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_uses_ring_and_offers_tls_1_2_and_1_3() {
        let config = client_config(Vec::new()).unwrap();
        let provider = config.crypto_provider();
        let suites = |provider: &rustls::crypto::CryptoProvider| -> Vec<_> {
            provider.cipher_suites.iter().map(|s| s.suite()).collect()
        };
        assert_eq!(
            suites(provider),
            suites(&rustls::crypto::ring::default_provider()),
            "ring's cipher suites, in ring's order"
        );
        let versions: Vec<_> = provider
            .cipher_suites
            .iter()
            .map(|suite| suite.version().version)
            .collect();
        assert!(versions.contains(&rustls::ProtocolVersion::TLSv1_3));
        assert!(versions.contains(&rustls::ProtocolVersion::TLSv1_2));
    }
}
