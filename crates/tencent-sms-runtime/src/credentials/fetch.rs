//! Reading each source: the environment, the profile file, the CVM metadata service and STS
//! `AssumeRoleWithWebIdentity`, and the chain of them. Every error says what was tried and
//! where, and never carries a key, a token or the web-identity token.

use std::time::Duration;

use tencent_sms_tc3::SecretKey;
use tencent_sms_wire::{
    action, AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, Envelope,
    MetadataCredentials, STS_VERSION,
};

use super::cache::Fetched;
use crate::bounded_read::{read_body, read_file, FileError};
use crate::process_env::{
    self, non_empty, CREDENTIALS_FILE_VAR, METADATA_URL_VAR, SECRET_ID_VAR, SECRET_KEY_VAR,
    SESSION_TOKEN_VAR, STS_ENDPOINT_VAR, TKE_VARS,
};
use tencent_sms_core::endpoint::Endpoint;
use tencent_sms_core::{CredentialSource, SigningKeys};

const DEFAULT_METADATA_URL: &str = "http://metadata.tencentyun.com/latest/meta-data/";
const DEFAULT_STS_HOST: &str = "sts.tencentcloudapi.com";
/// The metadata service is on the instance's own network: it answers at once or not at all.
pub(crate) const METADATA_TIMEOUT: Duration = Duration::from_secs(2);
pub(crate) const STS_TIMEOUT: Duration = Duration::from_secs(5);
/// What the connector asks STS for; Tencent's default.
const STS_DURATION_SECONDS: u64 = 7_200;
/// The most a profile file or a web-identity token may hold: real ones are under 1 KiB.
pub(crate) const MAX_FILE_BYTES: usize = 64 * 1024;
/// The most a metadata service or STS answer may hold: real ones are under 4 KiB, and a
/// server that streams more is not read on (256 MB had cost 743 MB of memory).
pub(crate) const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Where the metadata service and STS are.
#[derive(Debug, Clone)]
pub(crate) struct ServiceAddresses {
    metadata: String,
    sts: Endpoint,
}

impl ServiceAddresses {
    /// From `TENCENT_SMS_METADATA_URL` and `TENCENT_SMS_STS_ENDPOINT`, or the defaults.
    pub(crate) fn from_env() -> Result<Self, String> {
        let metadata = match non_empty(METADATA_URL_VAR) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => url,
            Some(_) => {
                return Err(format!(
                    "{METADATA_URL_VAR} must be an http:// or https:// URL"
                ))
            }
            None => DEFAULT_METADATA_URL.to_owned(),
        };
        let metadata = if metadata.ends_with('/') {
            metadata
        } else {
            format!("{metadata}/")
        };
        let sts = non_empty(STS_ENDPOINT_VAR).unwrap_or_else(|| DEFAULT_STS_HOST.to_owned());
        let sts = Endpoint::parse(&sts, &crate::environment().allow_http_hosts)
            .map_err(|e| format!("{STS_ENDPOINT_VAR}: {e}"))?;
        Ok(Self { metadata, sts })
    }
}

/// The HTTP clients a fetch may use: `direct` never goes through a proxy (the metadata
/// service is on the instance's own network), `for_sts` is the one STS's endpoint gets.
pub(crate) struct Http<'a> {
    pub(crate) direct: &'a reqwest::Client,
    pub(crate) for_sts: &'a reqwest::Client,
}

/// Keys from `source` (never `Config`, whose keys are the config's own).
pub(crate) async fn fetch(
    source: &CredentialSource,
    http: &Http<'_>,
    addresses: &ServiceAddresses,
    now: i64,
) -> Result<Fetched, String> {
    match source {
        CredentialSource::Config => Err("the config's keys need no fetch".to_owned()),
        CredentialSource::Environment => from_environment().map_err(|e| e.why),
        CredentialSource::Profile { name } => from_profile(name).await.map_err(|e| e.why),
        CredentialSource::CvmRole { role_name } => {
            from_cvm_role(http, addresses, role_name.as_deref())
                .await
                .map_err(|e| e.why)
        }
        CredentialSource::OidcRole => from_oidc_role(http, addresses, now)
            .await
            .map_err(|e| e.why),
        CredentialSource::Chain { profile, role_name } => {
            from_chain(http, addresses, profile, role_name.as_deref(), now).await
        }
    }
}

/// Why a source gave no keys; `configured`: whether it was set up at all (the chain moves on
/// past a source that is not: unset variables, no file, no metadata service to reach).
struct Missing {
    configured: bool,
    why: String,
}

fn not_configured(why: String) -> Missing {
    Missing {
        configured: false,
        why,
    }
}

fn broken(why: String) -> Missing {
    Missing {
        configured: true,
        why,
    }
}

fn long_term(
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    used: &'static str,
) -> Fetched {
    Fetched {
        keys: SigningKeys {
            secret_id,
            secret_key: SecretKey::new(secret_key),
            token: token.map(SecretKey::new),
        },
        expires_at: None,
        used,
    }
}

fn from_environment() -> Result<Fetched, Missing> {
    match (non_empty(SECRET_ID_VAR), non_empty(SECRET_KEY_VAR)) {
        (Some(id), Some(key)) => Ok(long_term(
            id,
            key,
            non_empty(SESSION_TOKEN_VAR),
            "environment",
        )),
        _ => Err(not_configured(format!(
            "{SECRET_ID_VAR} and {SECRET_KEY_VAR} are not both set in Logto's environment"
        ))),
    }
}

fn profile_path() -> Result<std::path::PathBuf, Missing> {
    match process_env::set(CREDENTIALS_FILE_VAR) {
        Some(path) if path.trim().is_empty() => {
            Err(broken(format!("{CREDENTIALS_FILE_VAR} is set but empty")))
        }
        Some(path) => Ok(path.into()),
        None => process_env::home()
            .map(|home| home.join(".tencentcloud").join("credentials"))
            .ok_or_else(|| {
                not_configured(format!(
                    "{CREDENTIALS_FILE_VAR} is not set and there is no HOME"
                ))
            }),
    }
}

async fn from_profile(name: &str) -> Result<Fetched, Missing> {
    let path = profile_path()?;
    let text = match read_file(&path, MAX_FILE_BYTES).await {
        Ok(text) => text,
        Err(FileError::NotFound) => {
            return Err(not_configured(format!(
                "there is no profile file at {}",
                path.display()
            )))
        }
        Err(FileError::Unreadable(why)) => return Err(broken(why)),
    };
    let (id, key) = parse_profile(&text, name).ok_or_else(|| {
        broken(format!(
            "{} has no section [{name}] with secret_id and secret_key",
            path.display()
        ))
    })?;
    Ok(long_term(id, key, None, "profile"))
}

/// `secret_id` and `secret_key` of section `[name]` of an INI file (saved with or without a
/// byte-order mark, as Windows editors save UTF-8), read as Tencent's SDKs read it.
pub(crate) fn parse_profile(text: &str, name: &str) -> Option<(String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let ini = ini::Ini::load_from_str(text).ok()?;
    let section = ini.section(Some(name))?;
    let value = |key: &str| {
        section
            .get(key)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    Some((value("secret_id")?, value("secret_key")?))
}

async fn get_text(
    http: &reqwest::Client,
    url: &str,
) -> Result<(reqwest::StatusCode, String), String> {
    let response = http
        .get(url)
        .timeout(METADATA_TIMEOUT)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status();
    let text = capped_text(response).await?;
    Ok((status, text))
}

/// An answer's text, at most [`MAX_ANSWER_BYTES`].
async fn capped_text(response: reqwest::Response) -> Result<String, String> {
    match read_body(response, MAX_ANSWER_BYTES).await {
        Ok(Some(body)) => Ok(String::from_utf8_lossy(&body).into_owned()),
        Ok(None) => Err(format!(
            "it answered more than {MAX_ANSWER_BYTES} bytes, which no credentials take"
        )),
        Err(e) => Err(describe(&e)),
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "it did not answer in time".to_owned();
    }
    let mut current: &dyn std::error::Error = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

async fn from_cvm_role(
    http: &Http<'_>,
    addresses: &ServiceAddresses,
    role_name: Option<&str>,
) -> Result<Fetched, Missing> {
    let base = format!("{}cam/security-credentials/", addresses.metadata);
    let role = match role_name {
        Some(role) => role.to_owned(),
        None => {
            let (status, text) = get_text(http.direct, &base).await.map_err(|why| {
                not_configured(format!(
                    "the CVM metadata service at {base} cannot be reached: {why}"
                ))
            })?;
            if status == reqwest::StatusCode::NOT_FOUND {
                return Err(not_configured(format!(
                    "the CVM metadata service at {base} says no role is bound to this instance"
                )));
            }
            text.lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .filter(|_| status.is_success())
                .map(str::to_owned)
                .ok_or_else(|| broken(format!("the CVM metadata service at {base} answered HTTP {status} without a role name")))?
        }
    };
    let url = format!("{base}{role}");
    let (status, text) = get_text(http.direct, &url).await.map_err(|why| {
        not_configured(format!(
            "the CVM metadata service at {url} cannot be reached: {why}"
        ))
    })?;
    let parsed = serde_json::from_str::<MetadataCredentials>(&text)
        .ok()
        .filter(|c| status.is_success() && c.code.as_deref().is_none_or(|code| code == "Success"));
    let Some(credentials) = parsed else {
        return Err(broken(format!(
            "the CVM metadata service at {url} gave no credentials for role {role} (HTTP {status})"
        )));
    };
    Ok(Fetched {
        keys: SigningKeys {
            secret_id: credentials.tmp_secret_id,
            secret_key: SecretKey::new(credentials.tmp_secret_key),
            token: Some(SecretKey::new(credentials.token)),
        },
        expires_at: Some(credentials.expired_time),
        used: "cvmRole",
    })
}

async fn from_oidc_role(
    http: &Http<'_>,
    addresses: &ServiceAddresses,
    now: i64,
) -> Result<Fetched, Missing> {
    let values: Vec<Option<String>> = TKE_VARS.iter().map(|name| non_empty(name)).collect();
    let [Some(region), Some(provider_id), Some(token_file), Some(role_arn)] =
        <[Option<String>; 4]>::try_from(values).unwrap_or_default()
    else {
        return Err(not_configured(format!(
            "{} are not all set in Logto's environment",
            TKE_VARS.join(", ")
        )));
    };
    let web_identity_token = read_file(token_file.as_ref(), MAX_FILE_BYTES)
        .await
        .map_err(|e| {
            broken(match e {
                FileError::NotFound => {
                    format!("TKE_WEB_IDENTITY_TOKEN_FILE {token_file} does not exist")
                }
                FileError::Unreadable(why) => format!("TKE_WEB_IDENTITY_TOKEN_FILE: {why}"),
            })
        })?;
    let body = AssumeRoleWithWebIdentityRequest {
        provider_id,
        web_identity_token: web_identity_token.trim().to_owned(),
        role_arn: role_arn.clone(),
        role_session_name: format!("connector-tencent-sms-rs-{now}"),
        duration_seconds: Some(STS_DURATION_SECONDS),
    };
    let body = serde_json::to_string(&body).unwrap_or_default();
    let sts = &addresses.sts;
    let client = if sts.direct {
        http.direct
    } else {
        http.for_sts
    };
    let response = client
        .post(sts.url.clone())
        .timeout(STS_TIMEOUT)
        .header("host", &sts.host_header)
        .header("content-type", tencent_sms_tc3::JSON_CONTENT_TYPE)
        .header("authorization", "SKIP")
        .header("x-tc-action", action::ASSUME_ROLE_WITH_WEB_IDENTITY)
        .header("x-tc-version", STS_VERSION)
        .header("x-tc-region", &region)
        .header("x-tc-timestamp", now.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| {
            broken(format!(
                "STS at {} cannot be reached: {}",
                sts.host_header,
                describe(&e)
            ))
        })?;
    let text = capped_text(response)
        .await
        .map_err(|why| broken(format!("STS at {}: {why}", sts.host_header)))?;
    let reply = serde_json::from_str::<Envelope<AssumeRoleWithWebIdentityResponse>>(&text)
        .map_err(|_| {
            broken(format!(
                "STS at {} answered something that is not its JSON",
                sts.host_header
            ))
        })?
        .response;
    match (reply.credentials, reply.expired_time, reply.error) {
        (_, _, Some(error)) => Err(broken(format!(
            "STS at {} refused AssumeRoleWithWebIdentity for {role_arn}: {}",
            sts.host_header, error.code
        ))),
        (Some(credentials), Some(expired_time), None) => Ok(Fetched {
            keys: SigningKeys {
                secret_id: credentials.tmp_secret_id,
                secret_key: SecretKey::new(credentials.tmp_secret_key),
                token: Some(SecretKey::new(credentials.token)),
            },
            expires_at: Some(expired_time),
            used: "oidcRole",
        }),
        _ => Err(broken(format!(
            "STS at {} answered without credentials",
            sts.host_header
        ))),
    }
}

/// Environment, profile, CVM role, OIDC role: the first one that is configured.
async fn from_chain(
    http: &Http<'_>,
    addresses: &ServiceAddresses,
    profile: &str,
    role_name: Option<&str>,
    now: i64,
) -> Result<Fetched, String> {
    let mut tried = Vec::new();
    let mut outcome = |name: &str, result: Result<Fetched, Missing>| match result {
        Ok(fetched) => Some(Ok(fetched)),
        Err(missing) if missing.configured => Some(Err(format!("{name}: {}", missing.why))),
        Err(missing) => {
            tried.push(format!("{name}: {}", missing.why));
            None
        }
    };
    if let Some(done) = outcome("environment", from_environment()) {
        return done;
    }
    if let Some(done) = outcome("profile", from_profile(profile).await) {
        return done;
    }
    if let Some(done) = outcome("cvmRole", from_cvm_role(http, addresses, role_name).await) {
        return done;
    }
    if let Some(done) = outcome("oidcRole", from_oidc_role(http, addresses, now).await) {
        return done;
    }
    Err(format!(
        "no source of the chain is configured ({})",
        tried.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_section_is_read_with_comments_and_spacing() {
        let text = "; Tencent Cloud\n[default]\nsecret_id = AKIDdefault\nsecret_key=default-key\n\n[ops]\n# rotated monthly\nsecret_id = AKIDops\n secret_key = ops-key \n";
        assert_eq!(
            parse_profile(text, "default"),
            Some(("AKIDdefault".into(), "default-key".into()))
        );
        assert_eq!(
            parse_profile(text, "ops"),
            Some(("AKIDops".into(), "ops-key".into()))
        );
        assert_eq!(parse_profile(text, "missing"), None);
        assert_eq!(
            parse_profile("[default]\nsecret_id = only\n", "default"),
            None
        );
    }

    /// A metadata service that answers 200 and streams without end: read up to the cap only.
    #[tokio::test]
    async fn an_endless_metadata_answer_is_cut_at_the_cap() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = sent.clone();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            socket.write_all(head.as_bytes()).await.unwrap();
            let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "x".repeat(16 * 1024));
            while socket.write_all(chunk.as_bytes()).await.is_ok() {
                counter.fetch_add(16 * 1024, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let http = crate::testing::http_client_builder()
            .no_proxy()
            .build()
            .unwrap();
        let addresses = ServiceAddresses {
            metadata: format!("http://127.0.0.1:{port}/latest/meta-data/"),
            sts: Endpoint::parse("sts.tencentcloudapi.com", "").unwrap(),
        };
        let clients = Http {
            direct: &http,
            for_sts: &http,
        };
        let source = CredentialSource::CvmRole {
            role_name: Some("sms".to_owned()),
        };
        let why = fetch(&source, &clients, &addresses, 0)
            .await
            .map(|_| ())
            .unwrap_err();
        assert!(why.contains("more than 65536 bytes"), "{why}");
        server.abort();
        let streamed = sent.load(std::sync::atomic::Ordering::Relaxed);
        assert!(streamed < 16 * 1024 * 1024, "read on to {streamed} bytes");
    }

    #[test]
    fn a_profile_saved_with_a_byte_order_mark_is_read() {
        let text = "\u{feff}[default]\r\nsecret_id = AKIDbom\r\nsecret_key = bom-key\r\n";
        assert_eq!(
            parse_profile(text, "default"),
            Some(("AKIDbom".into(), "bom-key".into()))
        );
    }

    #[test]
    fn metadata_and_sts_answers_are_read_in_tencents_shapes() {
        let metadata: MetadataCredentials = serde_json::from_str(r#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"k","Token":"t","ExpiredTime":1700007200,"Expiration":"2023-11-15T00:00:00Z","Code":"Success"}"#).unwrap();
        assert_eq!(
            (metadata.tmp_secret_id.as_str(), metadata.expired_time),
            ("AKIDtmp", 1_700_007_200)
        );
        let sts: Envelope<AssumeRoleWithWebIdentityResponse> = serde_json::from_str(r#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":"AKIDsts","TmpSecretKey":"k"},"ExpiredTime":1700007200,"Expiration":"x","RequestId":"r"}}"#).unwrap();
        assert_eq!(sts.response.credentials.unwrap().tmp_secret_id, "AKIDsts");
        let refused: Envelope<AssumeRoleWithWebIdentityResponse> = serde_json::from_str(r#"{"Response":{"Error":{"Code":"InvalidParameter.WebIdentityTokenError","Message":"m"},"RequestId":"r"}}"#).unwrap();
        assert_eq!(
            refused.response.error.unwrap().code,
            "InvalidParameter.WebIdentityTokenError"
        );
    }
}
