//! The two services temporary credentials come from, as Tencent's SDKs read them: the CVM
//! metadata service (`…/cam/security-credentials/<role>`, plain JSON without the `Response`
//! envelope) and STS `AssumeRoleWithWebIdentity` (API 3.0, version [`STS_VERSION`], unsigned:
//! `Authorization: SKIP`).

use serde::{Deserialize, Serialize};

use crate::{answer, Answer, ErrorBody};

/// STS's API version.
pub const STS_VERSION: &str = "2018-08-13";

/// The metadata service's answer for a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetadataCredentials {
    /// The temporary SecretId.
    pub tmp_secret_id: String,
    /// The temporary SecretKey.
    pub tmp_secret_key: String,
    /// The token sent with them in `X-TC-Token`.
    pub token: String,
    /// When they expire, Unix seconds.
    pub expired_time: i64,
    /// The same, ISO 8601.
    #[serde(default)]
    pub expiration: String,
    /// `Success` when the role's credentials could be issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `AssumeRoleWithWebIdentity`'s parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleWithWebIdentityRequest {
    /// The OIDC provider (TKE: `TKE_PROVIDER_ID`).
    pub provider_id: String,
    /// The service account's token (TKE: the file `TKE_WEB_IDENTITY_TOKEN_FILE` names).
    pub web_identity_token: String,
    /// The role (TKE: `TKE_ROLE_ARN`), `qcs::cam::uin/<uin>:roleName/<name>`.
    pub role_arn: String,
    /// A name for the session.
    pub role_session_name: String,
    /// How long the credentials should live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u64>,
}

/// The temporary credentials STS issues.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StsCredentials {
    /// The token sent with them in `X-TC-Token`.
    pub token: String,
    /// The temporary SecretId.
    pub tmp_secret_id: String,
    /// The temporary SecretKey.
    pub tmp_secret_key: String,
}

answer! {
    /// `AssumeRoleWithWebIdentity`'s answer.
    pub struct AssumeRoleWithWebIdentityResponse {
        /// The credentials, when issued.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub credentials: Option<StsCredentials>,
        /// When they expire, Unix seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expired_time: Option<i64>,
        /// The same, ISO 8601.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expiration: Option<String>,
    }
}
