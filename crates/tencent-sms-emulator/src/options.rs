//! What the emulator knows: credentials, SMS apps with their sign names and templates, and
//! the frequency limit. The defaults are the demo's and are documented in the README.

pub use crate::tls::EmulatorTls;
use serde::{Deserialize, Serialize};

/// The demo account's SecretId (public: it is in the README).
pub const DEMO_SECRET_ID: &str = "AKIDLogtoEmulatorDemo";
/// The demo account's SecretKey (public: it is in the README).
pub const DEMO_SECRET_KEY: &str = "logto-emulator-demo-secret";
/// The demo SMS app.
pub const DEMO_SDK_APP_ID: &str = "1400000000";
/// The demo app's approved sign.
pub const DEMO_SIGN_NAME: &str = "Logto";
/// The demo app's mainland China verification template.
pub const DEMO_MAINLAND_TEMPLATE_ID: &str = "1000001";
/// The demo app's international verification template.
pub const DEMO_INTERNATIONAL_TEMPLATE_ID: &str = "2000001";

/// An API key pair the emulator accepts signatures from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credential {
    /// The SecretId named in `Authorization`.
    pub secret_id: String,
    /// The SecretKey signatures are checked with.
    pub secret_key: String,
    /// Temporary credentials' session token: a request signed with them must carry it in
    /// `X-TC-Token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When temporary credentials expire (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// A CAM role the emulator hands out temporary credentials for, as the CVM metadata service
/// (`GET /latest/meta-data/cam/security-credentials/<name>`) and STS
/// (`AssumeRoleWithWebIdentity` with a `RoleArn` ending in `:roleName/<name>`) do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatedRole {
    /// The role's name.
    pub name: String,
    /// How long each issued credential lives, in seconds (Tencent: 7200 by default).
    #[serde(default = "default_role_lifetime")]
    pub lifetime_seconds: u64,
    /// The web-identity token STS accepts for this role; any non-empty one when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_identity_token: Option<String>,
}

fn default_role_lifetime() -> u64 {
    7_200
}

/// An approved template of an emulated app.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatedTemplate {
    /// The template's ID, as SendSms names it.
    pub template_id: String,
    /// The approved text, with `{1}`, `{2}`… placeholders.
    pub content: String,
    /// For numbers outside mainland China only (mainland ones otherwise).
    #[serde(default)]
    pub international: bool,
    /// Tencent's review state: 0 approved and live (the default), 1 under review, 2 approved
    /// but not yet live, -1 rejected. Only 0 can send.
    #[serde(default)]
    pub status_code: i32,
    /// The reviewer's reason, as `DescribeSmsTemplateList` gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_reply: Option<String>,
}

/// A sign that is not (or not yet) approved: under review, rejected, not live.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignReview {
    /// The sign's name.
    pub sign_name: String,
    /// 0 usable, 1 under review, 2 approved not yet live, -1 rejected.
    pub status_code: i32,
    /// The reviewer's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_reply: Option<String>,
}

/// Messages to numbers starting with `prefix` (E.164) are not delivered: their receipt says
/// `FAIL` with the carrier's `description`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryFailure {
    /// `+` and the leading digits of the numbers it applies to.
    pub prefix: String,
    /// The carrier's code, e.g. `MK:0005` or `UNDELIV`.
    pub description: String,
}

/// An emulated SMS app: its signs and templates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatedApp {
    /// The app's SdkAppId.
    pub sdk_app_id: String,
    /// Its approved signs.
    #[serde(default)]
    pub sign_names: Vec<String>,
    /// Its approved templates.
    #[serde(default)]
    pub templates: Vec<EmulatedTemplate>,
    /// Signs under review, rejected or not yet live (they cannot send).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sign_reviews: Vec<SignReview>,
}

/// How an emulator is started; `Default` is the documented demo.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EmulatorOptions {
    /// The address to listen on: a loopback one (`127.0.0.1`, another `127.x.y.z`, `::1` or
    /// `localhost`), where the inbox needs no credentials; any other only with
    /// `listen_on_network`, which puts the inbox behind `access_token`. The demo secret is
    /// public, so an open inbox must never be reachable from another machine.
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    /// The key pairs it accepts.
    pub credentials: Vec<Credential>,
    /// The SMS apps it knows.
    pub apps: Vec<EmulatedApp>,
    /// Roles it issues temporary credentials for (metadata service and STS); none by default.
    pub roles: Vec<EmulatedRole>,
    /// Numbers whose messages are not delivered (their receipts say why); none by default.
    pub delivery_failures: Vec<DeliveryFailure>,
    /// The same number gets at most one message per this many seconds; 0 turns it off.
    pub frequency_limit_seconds: u64,
    /// How far `X-TC-Timestamp` may be from the emulator's clock (Tencent: 5 minutes).
    pub max_clock_skew_seconds: i64,
    /// How long a connection may take to send a request's headers, or its body, or to start
    /// the next request on a kept-alive connection, before it is closed.
    pub read_timeout_ms: u64,
    /// Serve HTTPS with this certificate; plain HTTP without it.
    pub tls: Option<EmulatorTls>,
    /// Listen on a network address on purpose (a container beside Logto): `host` may then be
    /// any address, the SMS API stays open (it checks signatures, as Tencent's does), and the
    /// page, the control API and the event stream require `access_token`.
    pub listen_on_network: bool,
    /// What the page and the control API require with `listen_on_network`: a bearer token, or
    /// the cookie the page's login sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<AccessToken>,
}

/// The access token of an emulator on a network; it never prints.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct AccessToken(pub String);

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(..)")
    }
}

/// The shortest access token accepted: enough that guessing it is hopeless.
pub const MIN_ACCESS_TOKEN_CHARS: usize = 16;

impl AccessToken {
    /// Why the token cannot be used: too short, or a character a cookie cannot carry.
    fn check(&self) -> Result<(), String> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
        if self.0.chars().count() < MIN_ACCESS_TOKEN_CHARS || !self.0.chars().all(allowed) {
            return Err(format!(
                "accessToken must be at least {MIN_ACCESS_TOKEN_CHARS} characters from A-Z a-z 0-9 - . _ ~ + / = (e.g. openssl rand -hex 16)"
            ));
        }
        Ok(())
    }
}

/// Bounds of `readTimeoutMs`: long enough for any real client, short enough that stalled
/// connections cannot pile up.
pub const READ_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 100..=600_000;

impl EmulatorOptions {
    /// Refuses options the emulator cannot honour safely, naming the option.
    pub fn validate(&self) -> Result<(), String> {
        self.checked().map(|_| ())
    }

    /// [`EmulatorOptions::validate`], handing back the TLS acceptor it had to build to check
    /// `tls`, so starting builds it once.
    pub(crate) fn checked(&self) -> Result<Option<tokio_rustls::TlsAcceptor>, String> {
        match (self.listen_on_network, &self.access_token) {
            (true, Some(token)) => token.check()?,
            (true, None) => {
                return Err(
                    "listenOnNetwork needs an accessToken: the inbox shows every code and the control API arms faults"
                        .to_owned(),
                )
            }
            (false, Some(_)) => {
                return Err(
                    "accessToken goes with listenOnNetwork; on loopback the inbox is open, as always"
                        .to_owned(),
                )
            }
            (false, None) => {}
        }
        if !self.listen_on_network && !is_loopback(&self.host) {
            return Err(format!(
                "host must be a loopback address such as 127.0.0.1 or ::1 (got `{}`): the inbox \
                 is unauthenticated and the demo secret is public; to serve a network on purpose, \
                 add listenOnNetwork (--listen-on-network) with an accessToken",
                self.host
            ));
        }
        if !READ_TIMEOUT_MS.contains(&self.read_timeout_ms) {
            return Err(format!(
                "readTimeoutMs must be {}..={} (got {})",
                READ_TIMEOUT_MS.start(),
                READ_TIMEOUT_MS.end(),
                self.read_timeout_ms
            ));
        }
        self.tls
            .as_ref()
            .map(crate::tls::acceptor)
            .transpose()
            .map_err(|e| e.to_string())
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 0,
            credentials: vec![Credential {
                secret_id: DEMO_SECRET_ID.to_owned(),
                secret_key: DEMO_SECRET_KEY.to_owned(),
                token: None,
                expires_at: None,
            }],
            roles: Vec::new(),
            delivery_failures: Vec::new(),
            apps: vec![EmulatedApp {
                sdk_app_id: DEMO_SDK_APP_ID.to_owned(),
                sign_names: vec![DEMO_SIGN_NAME.to_owned()],
                templates: vec![
                    EmulatedTemplate {
                        template_id: DEMO_MAINLAND_TEMPLATE_ID.to_owned(),
                        content: "Your verification code is {1}. It is valid for 10 minutes."
                            .to_owned(),
                        international: false,
                        status_code: 0,
                        review_reply: None,
                    },
                    EmulatedTemplate {
                        template_id: DEMO_INTERNATIONAL_TEMPLATE_ID.to_owned(),
                        content: "Your Logto verification code is {1}.".to_owned(),
                        international: true,
                        status_code: 0,
                        review_reply: None,
                    },
                ],
                sign_reviews: Vec::new(),
            }],
            frequency_limit_seconds: 30,
            max_clock_skew_seconds: 300,
            read_timeout_ms: 10_000,
            tls: None,
            listen_on_network: false,
            access_token: None,
        }
    }
}

/// `T` (options, a fault) from JSON text, as a config file or `JSON.stringify` of the caller's
/// object gives it: an error names the field (`tls.certificateChain`), not a line and column.
pub fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(json)).map_err(|e| {
        let message = e.inner().to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => &message[..at],
            None => &message,
        };
        match e.path().to_string().as_str() {
            "." => message.to_owned(),
            path => format!("{path}: {message}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_host(host: &str) -> EmulatorOptions {
        EmulatorOptions {
            host: host.to_owned(),
            ..EmulatorOptions::default()
        }
    }

    #[test]
    fn only_loopback_hosts_are_accepted() {
        for host in ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"] {
            assert_eq!(with_host(host).validate(), Ok(()), "{host}");
        }
        for host in ["0.0.0.0", "::", "192.168.1.10", "example.com", ""] {
            let error = with_host(host).validate().unwrap_err();
            assert!(
                error.starts_with("host must be a loopback address"),
                "{host}: {error}"
            );
        }
    }

    #[test]
    fn a_network_address_only_on_purpose_and_with_a_token() {
        let network = |token: Option<&str>| EmulatorOptions {
            host: "0.0.0.0".to_owned(),
            listen_on_network: true,
            access_token: token.map(|t| AccessToken(t.to_owned())),
            ..EmulatorOptions::default()
        };
        assert_eq!(network(Some("0123456789abcdef")).validate(), Ok(()));
        assert!(network(None)
            .unwrap_err_text()
            .contains("needs an accessToken"));
        assert!(network(Some("short"))
            .unwrap_err_text()
            .contains("at least 16"));
        assert!(network(Some("0123456789abcdef;x"))
            .unwrap_err_text()
            .contains("at least 16"));
        let loopback_with_token = EmulatorOptions {
            access_token: Some(AccessToken("0123456789abcdef".to_owned())),
            ..EmulatorOptions::default()
        };
        assert!(loopback_with_token
            .unwrap_err_text()
            .contains("goes with listenOnNetwork"));
        assert!(!format!("{:?}", network(Some("0123456789abcdef"))).contains("0123456789abcdef"));
    }

    impl EmulatorOptions {
        fn unwrap_err_text(&self) -> String {
            self.validate().unwrap_err()
        }
    }

    #[test]
    fn the_read_timeout_is_bounded() {
        for (ms, ok) in [(99, false), (100, true), (600_000, true), (600_001, false)] {
            let options = EmulatorOptions {
                read_timeout_ms: ms,
                ..EmulatorOptions::default()
            };
            assert_eq!(options.validate().is_ok(), ok, "{ms}");
        }
    }
}
