//! Where SendSms requests go.
//!
//! The endpoint is operator input that decides where the credentials are sent, so it is parsed
//! strictly: a bare host or an `https://host[:port]` URL, and plain `http://` only to loopback
//! (the emulator) or to a host that Logto's *process environment* names in
//! [`ALLOW_HTTP_HOSTS_VAR`] (an emulator in another container). The console's config alone can
//! never downgrade a send to plain HTTP. No userinfo, path, query or fragment.

use std::fmt;

use crate::environment::ALLOW_HTTP_HOSTS_VAR;
use std::net::{Ipv4Addr, Ipv6Addr};

pub(crate) const DEFAULT_HOST: &str = "sms.tencentcloudapi.com";

/// A parsed `endpoint` or `backupEndpoint`: where a request is posted and the host it is signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The URL the request is posted to, always ending in `/`. Parsed once here, with the
    /// validated config, instead of by the HTTP client on every send.
    pub url: url::Url,
    /// The Host header as sent, which is also the `host` that is signed (port only if not default).
    pub host_header: String,
    /// A loopback host, or a plain-HTTP host the environment allows (the emulator): never
    /// sent through a proxy, which could be anywhere and would see a plain-HTTP request whole,
    /// signature and code included.
    pub direct: bool,
}

/// Why an `endpoint` value was refused; `Display` tells the admin what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointError {
    /// A scheme other than `https://` or `http://`.
    UnsupportedScheme(String),
    /// A path, query or fragment after the authority.
    NotJustAHost,
    /// `user@host`.
    Credentials,
    /// A port that is not 1–65535.
    BadPort,
    /// `[` without `]`.
    UnclosedBracket,
    /// Brackets around something that is not an IPv6 address.
    BadIpv6,
    /// Not a host name (shown shortened).
    BadHost(String),
    /// `http://` to anything but this machine or a host the environment allows.
    PlainHttpNotAllowed,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedScheme(scheme) => {
                write!(f, "endpoint scheme `{scheme}` is not supported; use https://")
            }
            Self::NotJustAHost => f.write_str(
                "endpoint must be a host or https://host[:port], without path, query or fragment",
            ),
            Self::Credentials => f.write_str("endpoint must not contain credentials (user@host)"),
            Self::BadPort => f.write_str("endpoint port must be a number from 1 to 65535"),
            Self::UnclosedBracket => f.write_str("endpoint has an unclosed IPv6 bracket"),
            Self::BadIpv6 => f.write_str("endpoint has an invalid IPv6 address"),
            Self::BadHost(host) => write!(f, "endpoint host `{host}` is not a valid host name"),
            Self::PlainHttpNotAllowed => write!(
                f,
                "plain http:// is only allowed to a loopback host (localhost, 127.0.0.0/8, [::1]) or to a host named in {ALLOW_HTTP_HOSTS_VAR} in Logto's environment (e.g. {ALLOW_HTTP_HOSTS_VAR}=sms-emulator for an emulator beside Logto); otherwise use https://"
            ),
        }
    }
}

impl std::error::Error for EndpointError {}

impl Default for Endpoint {
    fn default() -> Self {
        Self::https(DEFAULT_HOST, None).expect("the default Tencent host is a valid URL")
    }
}

impl Endpoint {
    fn https(host: &str, port: Option<u16>) -> Result<Self, EndpointError> {
        Self::build("https", host, port.filter(|p| *p != 443))
    }

    /// `host` is already validated, so the URL parser only confirms it.
    fn build(scheme: &str, host: &str, port: Option<u16>) -> Result<Self, EndpointError> {
        Self::build_direct(scheme, host, port, is_loopback(host))
    }

    fn build_direct(
        scheme: &str,
        host: &str,
        port: Option<u16>,
        direct: bool,
    ) -> Result<Self, EndpointError> {
        let host_header = match port {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let url = url::Url::parse(&format!("{scheme}://{host_header}/"))
            .map_err(|_| EndpointError::BadHost(truncate(host)))?;
        Ok(Self {
            url,
            host_header,
            direct,
        })
    }

    /// The endpoint to fail over to when this one cannot be reached and the config names
    /// none: the region's own host (`sms.ap-guangzhou.tencentcloudapi.com`) for Tencent's
    /// default endpoint, as Tencent's SDKs do; nothing for any other endpoint, whose operator
    /// knows better where a second way in is.
    pub(crate) fn default_backup(&self, region: &str) -> Option<Self> {
        if self.host_header != DEFAULT_HOST {
            return None;
        }
        let host = format!("sms.{region}.tencentcloudapi.com");
        validate_host(&host).ok()?;
        Self::https(&host, None).ok()
    }

    /// Parses the `endpoint` config value, with plain HTTP allowed to loopback and to the
    /// comma-separated hosts of `allowed_http_hosts` (the value of [`ALLOW_HTTP_HOSTS_VAR`]);
    /// the error says what to fix.
    pub fn parse(input: &str, allowed_http_hosts: &str) -> Result<Self, EndpointError> {
        let (scheme, rest) = match input.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => (String::new(), input),
        };
        if !scheme.is_empty() && scheme != "https" && scheme != "http" {
            return Err(EndpointError::UnsupportedScheme(scheme));
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(EndpointError::NotJustAHost);
        }
        if authority.contains('@') {
            return Err(EndpointError::Credentials);
        }
        let (host, port) = split_host_port(authority)?;
        let host = host.to_ascii_lowercase();
        validate_host(&host)?;
        if scheme == "http" {
            let allowed = allowed_http_hosts
                .split(',')
                .any(|allowed| allowed.trim().eq_ignore_ascii_case(&host));
            if !allowed && !is_loopback(&host) {
                return Err(EndpointError::PlainHttpNotAllowed);
            }
            return Self::build_direct("http", &host, port.filter(|p| *p != 80), true);
        }
        Self::https(&host, port)
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), EndpointError> {
    let bad_port = || EndpointError::BadPort;
    if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or(EndpointError::UnclosedBracket)?;
        let host = &authority[..inside.len() + 2];
        return match after {
            "" => Ok((host, None)),
            _ => {
                let port = after.strip_prefix(':').ok_or_else(bad_port)?;
                Ok((host, Some(parse_port(port).ok_or_else(bad_port)?)))
            }
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Ok((host, Some(parse_port(port).ok_or_else(bad_port)?))),
        None => Ok((authority, None)),
    }
}

fn parse_port(port: &str) -> Option<u16> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
        return None;
    }
    port.parse().ok().filter(|p| *p != 0)
}

fn validate_host(host: &str) -> Result<(), EndpointError> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<Ipv6Addr>()
            .map(|_| ())
            .map_err(|_| EndpointError::BadIpv6);
    }
    let valid_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(valid_label) {
        return Err(EndpointError::BadHost(truncate(host)));
    }
    Ok(())
}

fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

/// Loopback hosts: `localhost`, `127.0.0.0/8` and `[::1]`.
pub(crate) fn is_loopback(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return ip.is_loopback();
    }
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<Ipv6Addr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_tencent_host() {
        let e = Endpoint::default();
        assert_eq!(e.url.as_str(), "https://sms.tencentcloudapi.com/");
        assert_eq!(e.host_header, "sms.tencentcloudapi.com");
    }

    #[test]
    fn accepts_a_bare_host_and_https_urls() {
        let e = Endpoint::parse("sms.intl.tencentcloudapi.com", "").unwrap();
        assert_eq!(e.url.as_str(), "https://sms.intl.tencentcloudapi.com/");
        let e = Endpoint::parse("https://sms.example.com:8443/", "").unwrap();
        assert_eq!(e.url.as_str(), "https://sms.example.com:8443/");
        assert_eq!(e.host_header, "sms.example.com:8443");
        let e = Endpoint::parse("https://SMS.Example.com:443", "").unwrap();
        assert_eq!(e.host_header, "sms.example.com");
    }

    #[test]
    fn only_the_default_endpoint_has_a_default_backup_in_its_region() {
        let backup = Endpoint::default().default_backup("ap-guangzhou").unwrap();
        assert_eq!(
            backup.url.as_str(),
            "https://sms.ap-guangzhou.tencentcloudapi.com/"
        );
        let custom = Endpoint::parse("sms.intl.tencentcloudapi.com", "").unwrap();
        assert_eq!(custom.default_backup("ap-singapore"), None);
    }

    #[test]
    fn http_only_to_loopback() {
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:9000", "")
                .unwrap()
                .host_header,
            "127.0.0.1:9000"
        );
        assert!(Endpoint::parse("http://localhost:1", "").is_ok());
        assert!(Endpoint::parse("http://[::1]:8080", "").is_ok());
        assert!(Endpoint::parse("http://127.1.2.3", "").is_ok());
        assert!(Endpoint::parse("http://sms.tencentcloudapi.com", "").is_err());
        assert!(Endpoint::parse("http://10.0.0.1:80", "").is_err());
        assert!(Endpoint::parse("http://localhost.evil.com", "").is_err());
    }

    #[test]
    fn http_to_another_host_only_when_the_environment_names_it() {
        let refused = Endpoint::parse("http://sms-emulator:9000", "").unwrap_err();
        assert_eq!(refused, EndpointError::PlainHttpNotAllowed);
        assert!(refused
            .to_string()
            .contains("TENCENT_SMS_ALLOW_HTTP_HOSTS=sms-emulator"));
        let allowed = "other, SMS-Emulator ";
        let endpoint = Endpoint::parse("http://sms-emulator:9000", allowed).unwrap();
        assert_eq!(endpoint.url.as_str(), "http://sms-emulator:9000/");
        assert!(endpoint.direct, "never through a proxy");
        assert!(Endpoint::parse("http://sms-emulator.evil:9000", allowed).is_err());
        let https = Endpoint::parse("https://sms-emulator", allowed).unwrap();
        assert!(!https.direct, "HTTPS goes through a proxy as before");
    }

    #[test]
    fn rejects_userinfo_path_query_and_bad_ports() {
        for bad in [
            "https://user:pw@sms.tencentcloudapi.com",
            "https://sms.tencentcloudapi.com/path",
            "https://sms.tencentcloudapi.com?x=1",
            "https://sms.tencentcloudapi.com#f",
            "https://sms.tencentcloudapi.com:0",
            "https://sms.tencentcloudapi.com:99999",
            "https://sms.tencentcloudapi.com:",
            "ftp://sms.tencentcloudapi.com",
            "sms tencent",
            "",
            "https://-bad.com",
        ] {
            assert!(
                Endpoint::parse(bad, "").is_err(),
                "{bad} should be rejected"
            );
        }
    }
}
