//! Checking TC3-HMAC-SHA256 the way Tencent does, with the connector's own signer.
//!
//! The signed `host` is the Host header as sent; a client on a default port never sends a
//! port, so a signature over the bare host name is accepted too.

use hyper::HeaderMap;
use tencent_sms_tc3::sign::{self as tc3, SignedHeader, SigningInput};
use tencent_sms_tc3::SERVICE;

use crate::api_error::ApiError;
use crate::options::Credential;

/// A header's value as text, if present and valid.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Verifies the request's signature, as Tencent does, with Tencent's codes for each failure:
/// the header's shape, the timestamp's freshness, the SecretId (`credential` finds it), the
/// session token of temporary credentials, the credential scope, then the signature itself.
pub(crate) fn verify_signature(
    headers: &HeaderMap,
    body: &[u8],
    credential: impl Fn(&str) -> Option<Credential>,
    now: i64,
    max_skew_seconds: i64,
) -> Result<(), ApiError> {
    let parsed = read_authorization(headers)?;
    let timestamp = fresh_timestamp(headers, now, max_skew_seconds)?;
    let credential = credential(&parsed.secret_id).ok_or_else(|| {
        ApiError::new(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        )
    })?;
    check_token(headers, &credential, now)?;
    check_scope(&parsed, timestamp)?;
    let signed = signed_header_values(headers, &parsed)?;
    if signature_matches(&signed, timestamp, body, &credential, &parsed.signature) {
        Ok(())
    } else {
        Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        ))
    }
}

/// The `Authorization` header, parsed, naming at least `content-type` and `host`.
fn read_authorization(headers: &HeaderMap) -> Result<tc3::ParsedAuthorization, ApiError> {
    let invalid = |message: String| ApiError::new("AuthFailure.InvalidAuthorization", message);
    let authorization = header(headers, "authorization")
        .ok_or_else(|| invalid("The Authorization header is missing.".into()))?;
    let parsed = tc3::parse_authorization(authorization).ok_or_else(|| {
        invalid("The Authorization header is malformed: expected `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.".into())
    })?;
    for required in ["content-type", "host"] {
        if !parsed.signed_headers.iter().any(|h| h == required) {
            return Err(invalid(format!("SignedHeaders must include `{required}`.")));
        }
    }
    Ok(parsed)
}

/// `X-TC-Timestamp`, within `max_skew_seconds` of `now` (checked arithmetic: any i64 is safe).
fn fresh_timestamp(headers: &HeaderMap, now: i64, max_skew_seconds: i64) -> Result<i64, ApiError> {
    let timestamp: i64 = header(headers, "x-tc-timestamp")
        .ok_or_else(|| {
            ApiError::new(
                "MissingParameter",
                "The request is missing a required parameter `Timestamp`.",
            )
        })?
        .trim()
        .parse()
        .map_err(|_| {
            ApiError::new(
                "InvalidParameter",
                "The parameter `Timestamp` must be Unix seconds.",
            )
        })?;
    let skew = now.checked_sub(timestamp).and_then(i64::checked_abs);
    if !matches!(skew, Some(skew) if skew <= max_skew_seconds) {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!("Signature expired: the request timestamp {timestamp} is more than {max_skew_seconds} s from the server time {now}."),
        ));
    }
    Ok(timestamp)
}

/// Temporary credentials need their own token in `X-TC-Token` and must not have expired;
/// long-term keys must come without one, as Tencent's docs say.
fn check_token(headers: &HeaderMap, credential: &Credential, now: i64) -> Result<(), ApiError> {
    let failure = |message: String| ApiError::new("AuthFailure.TokenFailure", message);
    let sent = header(headers, "x-tc-token");
    match (&credential.token, sent) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(failure(
            "X-TC-Token was sent with long-term keys; send it only with temporary credentials."
                .into(),
        )),
        (Some(_), None) => Err(failure(
            "These are temporary credentials: the request must carry their token in X-TC-Token."
                .into(),
        )),
        (Some(token), Some(sent)) if !tc3::signatures_match(token, sent) => Err(failure(
            "The token in X-TC-Token does not belong to this SecretId.".into(),
        )),
        (Some(_), Some(_)) => match credential.expires_at {
            Some(expires_at) if now >= expires_at => Err(failure(format!(
                "The temporary credentials expired at {expires_at} (now {now})."
            ))),
            _ => Ok(()),
        },
    }
}

/// The credential scope names this service and the UTC date of the timestamp.
fn check_scope(parsed: &tc3::ParsedAuthorization, timestamp: i64) -> Result<(), ApiError> {
    if parsed.service != SERVICE {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            format!(
                "The credential scope names service `{}`; this endpoint is `sms`.",
                parsed.service
            ),
        ));
    }
    if parsed.date != tc3::utc_date(timestamp) {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            "The credential scope date is not the UTC date of X-TC-Timestamp.",
        ));
    }
    Ok(())
}

/// Each signed header with the value that was sent.
fn signed_header_values<'p>(
    headers: &HeaderMap,
    parsed: &'p tc3::ParsedAuthorization,
) -> Result<Vec<(&'p str, String)>, ApiError> {
    parsed
        .signed_headers
        .iter()
        .map(|name| {
            let value = header(headers, name).ok_or_else(|| {
                ApiError::new(
                    "AuthFailure.SignatureFailure",
                    format!("The signed header `{name}` was not sent."),
                )
            })?;
            Ok((name.as_str(), value.to_owned()))
        })
        .collect()
}

/// Whether `signature` signs these values; the signed `host` may also be the bare host name
/// (clients differ on whether a non-default port is part of it).
fn signature_matches(
    signed: &[(&str, String)],
    timestamp: i64,
    body: &[u8],
    credential: &Credential,
    signature: &str,
) -> bool {
    let matches = |values: &[(&str, String)]| {
        let input = SigningInput {
            service: SERVICE,
            timestamp,
            headers: values
                .iter()
                .map(|(name, value)| SignedHeader { name, value })
                .collect(),
            body,
        };
        tc3::signatures_match(
            &tc3::sign(&credential.secret_key, &input).signature,
            signature,
        )
    };
    if matches(signed) {
        return true;
    }
    let mut bare = signed.to_vec();
    match bare.iter_mut().find(|(name, _)| *name == "host") {
        Some(host) => match strip_port(&host.1) {
            Some(without_port) => {
                host.1 = without_port.to_owned();
                matches(&bare)
            }
            None => false,
        },
        None => false,
    }
}

/// `host:port` → `host` (also `[v6]:port` → `[v6]`); `None` when there is no port.
fn strip_port(host: &str) -> Option<&str> {
    let (bare, port) = host.rsplit_once(':')?;
    let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    let well_formed = if bare.starts_with('[') {
        bare.ends_with(']')
    } else {
        !bare.contains(':')
    };
    (is_port && well_formed).then_some(bare)
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn strips_only_real_ports() {
        assert_eq!(strip_port("127.0.0.1:8080"), Some("127.0.0.1"));
        assert_eq!(strip_port("[::1]:8080"), Some("[::1]"));
        assert_eq!(strip_port("[::1]"), None);
        assert_eq!(strip_port("sms.tencentcloudapi.com"), None);
    }
}
