//! Signing keys and where they come from (`credentials.source`). Reading a source (the
//! environment, a profile file, the metadata service, STS) and keeping temporary keys fresh
//! is the runtime's.

mod source;

pub(crate) use source::read_credentials;
pub use source::CredentialSource;

use tencent_sms_tc3::SecretKey;

/// The keys a request is signed with: long-term, or temporary with their session token
/// (sent as `X-TC-Token`). Never printed but the SecretId.
#[derive(Clone)]
pub struct SigningKeys {
    /// The SecretId of the `Authorization` header.
    pub secret_id: String,
    /// The SecretKey the signature is made with.
    pub secret_key: SecretKey,
    /// The session token of temporary credentials.
    pub token: Option<SecretKey>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys")
            .field("secret_id", &self.secret_id)
            .field("temporary", &self.token.is_some())
            .finish_non_exhaustive()
    }
}
