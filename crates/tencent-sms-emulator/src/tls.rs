//! HTTPS, when the options carry a certificate: Tencent's API is HTTPS only, so a client (or a
//! benchmark) can be exercised over the same TLS it will use in production, trusting a
//! throwaway CA the way an operator trusts a private one.
//!
//! Certificates and keys come from files an operator picked, so every way they go wrong gets
//! its own words: empty, not PEM, the two swapped, an encrypted key, a key of another
//! certificate. Each error names the part (`tls.certificateChain`, `tls.privateKey`), which
//! the command line turns into its flag and file.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use serde::{Deserialize, Serialize};

/// A certificate and its private key, to serve HTTPS instead of plain HTTP.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatorTls {
    /// PEM: the server's certificate first, then any intermediates.
    pub certificate_chain: String,
    /// PEM: its private key (PKCS#8, SEC1 or PKCS#1).
    pub private_key: String,
}

impl std::fmt::Debug for EmulatorTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorTls")
            .field("certificate_chain", &self.certificate_chain)
            .finish_non_exhaustive()
    }
}

/// A part of the `tls` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsPart {
    /// `tls.certificateChain` (`--tls-cert`).
    CertificateChain,
    /// `tls.privateKey` (`--tls-key`).
    PrivateKey,
}

impl TlsPart {
    /// The option's name, as JavaScript and config files write it.
    pub fn option(self) -> &'static str {
        match self {
            Self::CertificateChain => "tls.certificateChain",
            Self::PrivateKey => "tls.privateKey",
        }
    }

    /// The command-line flag that gives it.
    pub fn flag(self) -> &'static str {
        match self {
            Self::CertificateChain => "--tls-cert",
            Self::PrivateKey => "--tls-key",
        }
    }
}

/// What is wrong with the `tls` option, and in which part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsError {
    /// The part at fault.
    pub part: TlsPart,
    /// What is wrong with it, without its name.
    pub problem: String,
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.part.option(), self.problem)
    }
}

impl std::error::Error for TlsError {}

fn fault(part: TlsPart, problem: impl Into<String>) -> TlsError {
    TlsError {
        part,
        problem: problem.into(),
    }
}

const SWAPPED: &str = "are the certificate and the key swapped?";

/// Checks `tls` as starting the emulator would, without starting it.
pub fn validate_tls(tls: &EmulatorTls) -> Result<(), TlsError> {
    acceptor(tls).map(|_| ())
}

/// The acceptor for `tls`, or what is wrong with it.
pub(crate) fn acceptor(tls: &EmulatorTls) -> Result<TlsAcceptor, TlsError> {
    let chain = certificate_chain(&tls.certificate_chain)?;
    let key = private_key(&tls.private_key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fault(TlsPart::CertificateChain, format!("cannot be used: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            fault(
                TlsPart::PrivateKey,
                format!("does not fit the first certificate of the chain ({e})"),
            )
        })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn certificate_chain(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let part = TlsPart::CertificateChain;
    if pem.trim().is_empty() {
        return Err(fault(part, "is empty"));
    }
    let chain = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fault(part, format!("is not PEM certificates ({e})")))?;
    if !chain.is_empty() {
        return Ok(chain);
    }
    if pem.contains("PRIVATE KEY-----") {
        return Err(fault(
            part,
            format!("holds a private key, not a certificate: {SWAPPED}"),
        ));
    }
    Err(fault(part, "holds no PEM certificate"))
}

fn private_key(pem: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    let part = TlsPart::PrivateKey;
    if pem.trim().is_empty() {
        return Err(fault(part, "is empty"));
    }
    if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || pem.contains("Proc-Type: 4,ENCRYPTED")
    {
        return Err(fault(
            part,
            "is encrypted; the emulator needs an unencrypted key (openssl pkey -in key.pem -out plain-key.pem)",
        ));
    }
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| {
        if pem.contains("CERTIFICATE-----") {
            fault(
                part,
                format!("holds a certificate, not a private key: {SWAPPED}"),
            )
        } else {
            fault(part, format!("is not a PEM private key ({e})"))
        }
    })
}
