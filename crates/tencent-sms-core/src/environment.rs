//! What Logto's process environment says about how a config is read. The runtime reads the
//! variables; the core takes them as a value, so validating a config depends on its inputs only.

/// The environment variable naming hosts that may be sent to over plain `http://`,
/// comma-separated: `TENCENT_SMS_ALLOW_HTTP_HOSTS=sms-emulator`.
pub const ALLOW_HTTP_HOSTS_VAR: &str = "TENCENT_SMS_ALLOW_HTTP_HOSTS";

/// The process environment as config validation needs it. `Default` is an environment that
/// sets nothing: plain HTTP to loopback only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// The value of [`ALLOW_HTTP_HOSTS_VAR`]: hosts besides loopback that an `endpoint` may
    /// reach over plain `http://` (an emulator in another container). Only the process
    /// environment can name them, never the console's config.
    pub allow_http_hosts: String,
}
