//! HTTPS, when the options carry a certificate: Tencent's API is HTTPS only, so a client (or a
//! benchmark) can be exercised over the same TLS it will use in production, trusting a
//! throwaway CA the way an operator trusts a private one.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::options::EmulatorTls;

/// The acceptor for `tls`, or what is wrong with it, naming the option.
pub(crate) fn acceptor(tls: &EmulatorTls) -> Result<TlsAcceptor, String> {
    let chain = CertificateDer::pem_slice_iter(tls.certificate_chain.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("tls.certificateChain is not PEM certificates ({e})"))?;
    if chain.is_empty() {
        return Err("tls.certificateChain holds no PEM certificate".to_owned());
    }
    let key = PrivateKeyDer::from_pem_slice(tls.private_key.as_bytes())
        .map_err(|e| format!("tls.privateKey is not a PEM private key ({e})"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("tls.privateKey does not fit tls.certificateChain ({e})"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
