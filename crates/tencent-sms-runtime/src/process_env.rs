//! Logto's process environment, read where the core takes it as a value: config validation
//! sees the plain-HTTP hosts the environment allows (`TENCENT_SMS_ALLOW_HTTP_HOSTS`).
//!
//! Read on every validation rather than once: validated configs are cached, so this costs one
//! lookup per new config, and a test (or an operator's shell) that sets the variable after the
//! addon loaded is still heard.

use serde_json::Value;
use tencent_sms_core::environment::{Environment, ALLOW_HTTP_HOSTS_VAR};
use tencent_sms_core::{ConfigIssue, ConnectorConfig};

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
