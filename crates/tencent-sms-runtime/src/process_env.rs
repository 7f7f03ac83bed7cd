//! Logto's process environment: the one module that reads it, and the table of the variables
//! the connector reads. Everything else is handed values.
//!
//! Read when needed rather than once: validated configs are cached, so `environment` costs one
//! lookup per new config, and keys from the environment are read again on every refresh, so a
//! test (or an operator's shell) that sets a variable after the addon loaded is still heard.

use std::path::PathBuf;

use serde_json::Value;
use tencent_sms_core::environment::{Environment, ALLOW_HTTP_HOSTS_VAR};
use tencent_sms_core::{ConfigIssue, ConnectorConfig};

/// The send log's level: `errors` or `all` (off otherwise).
pub(crate) const LOG_VAR: &str = "TENCENT_SMS_LOG";
/// `credentials.source` `environment`: Tencent's SDKs' variables.
pub(crate) const SECRET_ID_VAR: &str = "TENCENTCLOUD_SECRET_ID";
pub(crate) const SECRET_KEY_VAR: &str = "TENCENTCLOUD_SECRET_KEY";
pub(crate) const SESSION_TOKEN_VAR: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// `credentials.source` `profile`: the file, else `~/.tencentcloud/credentials`.
pub(crate) const CREDENTIALS_FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// Where the CVM metadata service is, when not at its usual address (private networks, tests).
pub(crate) const METADATA_URL_VAR: &str = "TENCENT_SMS_METADATA_URL";
/// Where STS is, when not at its usual host; `http://` to loopback only, as `endpoint`.
pub(crate) const STS_ENDPOINT_VAR: &str = "TENCENT_SMS_STS_ENDPOINT";
/// `credentials.source` `oidcRole`: what TKE sets in the pod.
pub(crate) const TKE_VARS: [&str; 4] = [
    "TKE_REGION",
    "TKE_PROVIDER_ID",
    "TKE_WEB_IDENTITY_TOKEN_FILE",
    "TKE_ROLE_ARN",
];

/// The environment of this process, as config validation needs it.
pub fn environment() -> Environment {
    Environment {
        allow_http_hosts: std::env::var(ALLOW_HTTP_HOSTS_VAR).unwrap_or_default(),
    }
}

/// Validates a config as this process's sends would read it.
pub fn validate_config(input: &Value) -> Result<ConnectorConfig, Vec<ConfigIssue>> {
    tencent_sms_core::validate_config(input, &environment())
}

/// The value of `name`, unless it is unset or blank.
pub(crate) fn non_empty(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// Whether `name` is set at all, even to nothing (a set but empty path is a mistake to report).
pub(crate) fn set(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The user's home directory, where Tencent's SDKs keep the profile file.
pub(crate) fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}
