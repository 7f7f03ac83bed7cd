//! TC3-HMAC-SHA256, Tencent Cloud API 3.0 request signing.
//!
//! Each step of the published algorithm is one small pure function, and time is an input,
//! so the published vectors are plain unit tests. The emulator verifies with the same code.

use std::fmt;

use chrono::DateTime;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The algorithm name that opens the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
const TERMINATOR: &str = "tc3_request";

type HmacSha256 = Hmac<Sha256>;

/// One signed header as it goes into the canonical request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeader<'a> {
    /// The header name; lowercased when canonicalized.
    pub name: &'a str,
    /// The value exactly as sent; trimmed and lowercased when canonicalized.
    pub value: &'a str,
}

/// Everything the signature covers. `headers` must hold at least `content-type` and `host`.
#[derive(Debug, Clone)]
pub struct SigningInput<'a> {
    /// The service of the credential scope, e.g. [`crate::SERVICE`].
    pub service: &'a str,
    /// `X-TC-Timestamp`, Unix seconds; its UTC date is the scope date.
    pub timestamp: i64,
    /// The signed headers, in any order.
    pub headers: Vec<SignedHeader<'a>>,
    /// The request body, hashed into the canonical request.
    pub body: &'a [u8],
}

/// The canonical request, printable so a failing test shows what was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    /// `name:value\n` for each signed header, sorted by name.
    pub canonical_headers: String,
    /// The signed header names, sorted and joined by `;`.
    pub signed_headers: String,
    /// Lowercase hex SHA-256 of the body.
    pub hashed_payload: String,
}

impl CanonicalRequest {
    /// `POST\n/\n\n<canonical headers>\n<signed headers>\n<hex sha256(body)>`; the headers are
    /// lowercased in name and value, trimmed and sorted by name, each line ending in `\n`.
    pub fn new(headers: &[SignedHeader<'_>], body: &[u8]) -> Self {
        let mut lines: Vec<(String, String)> = headers
            .iter()
            .map(|h| {
                (
                    h.name.trim().to_ascii_lowercase(),
                    h.value.trim().to_lowercase(),
                )
            })
            .collect();
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        let mut canonical_headers = String::new();
        for (name, value) in &lines {
            canonical_headers.push_str(name);
            canonical_headers.push(':');
            canonical_headers.push_str(value);
            canonical_headers.push('\n');
        }
        let signed_headers = lines
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(";");
        Self {
            canonical_headers,
            signed_headers,
            hashed_payload: sha256_hex(body),
        }
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "POST\n/\n\n{}\n{}\n{}",
            self.canonical_headers, self.signed_headers, self.hashed_payload
        )
    }
}

/// The result of signing: the pieces a verifier compares and the header to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The scope date, `YYYY-MM-DD` in UTC.
    pub date: String,
    /// `<date>/<service>/tc3_request`.
    pub credential_scope: String,
    /// What was signed.
    pub canonical_request: CanonicalRequest,
    /// Lowercase hex SHA-256 of the canonical request.
    pub hashed_canonical_request: String,
    /// The signature, lowercase hex.
    pub signature: String,
}

impl Signature {
    /// `TC3-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<list>, Signature=<hex>`.
    pub fn authorization(&self, secret_id: &str) -> String {
        format!(
            "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={}, Signature={}",
            self.credential_scope, self.canonical_request.signed_headers, self.signature
        )
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The scope date is the **UTC** date of the timestamp: a local date breaks signing for part of
/// every day (1551113065 is 2019-02-25 in UTC but 2019-02-26 in Beijing).
pub fn utc_date(timestamp: i64) -> String {
    DateTime::from_timestamp(timestamp, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "1970-01-01".to_owned())
}

/// `<date>/<service>/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{TERMINATOR}")
}

/// `TC3-HMAC-SHA256\n<timestamp>\n<scope>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(timestamp: i64, scope: &str, hashed_canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{timestamp}\n{scope}\n{hashed_canonical_request}")
}

/// SecretSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request").
///
/// Every copy of the secret and every intermediate key is zeroed when dropped, as
/// [`SecretKey`](crate::SecretKey) is: a `String` built from the secret would otherwise stay in
/// freed memory for every send.
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> Zeroizing<[u8; 32]> {
    let secret_date = Zeroizing::new(hmac_sha256(&tc3_key(secret_key), date.as_bytes()));
    let secret_service = Zeroizing::new(hmac_sha256(&*secret_date, service.as_bytes()));
    Zeroizing::new(hmac_sha256(&*secret_service, TERMINATOR.as_bytes()))
}

/// `"TC3" + SecretKey`, the first HMAC key, in memory that is zeroed on drop.
fn tc3_key(secret_key: &str) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(3 + secret_key.len()));
    key.extend_from_slice(b"TC3");
    key.extend_from_slice(secret_key.as_bytes());
    key
}

/// Signature = hex(HMAC(SecretSigning, StringToSign)).
pub fn calculate_signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Signs `input` with `secret_key`.
pub fn sign(secret_key: &str, input: &SigningInput<'_>) -> Signature {
    let canonical_request = CanonicalRequest::new(&input.headers, input.body);
    let hashed_canonical_request = sha256_hex(canonical_request.to_string().as_bytes());
    let date = utc_date(input.timestamp);
    let credential_scope = credential_scope(&date, input.service);
    let to_sign = string_to_sign(
        input.timestamp,
        &credential_scope,
        &hashed_canonical_request,
    );
    let key = signing_key(secret_key, &date, input.service);
    let signature = calculate_signature(&key, &to_sign);
    Signature {
        date,
        credential_scope,
        canonical_request,
        hashed_canonical_request,
        signature,
    }
}

/// Constant-time comparison of two hex signatures, so a verifier leaks no timing.
pub fn signatures_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The parts of an `Authorization` header, as a verifier needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The SecretId the request claims to be signed with.
    pub secret_id: String,
    /// The scope date as written.
    pub date: String,
    /// The scope service as written.
    pub service: String,
    /// The signed header names, lowercased.
    pub signed_headers: Vec<String>,
    /// The signature, 64 hex digits.
    pub signature: String,
}

/// Parses `TC3-HMAC-SHA256 Credential=id/date/service/tc3_request, SignedHeaders=a;b, Signature=hex`.
/// Returns `None` for anything malformed (Tencent answers `AuthFailure.InvalidAuthorization`).
pub fn parse_authorization(header: &str) -> Option<ParsedAuthorization> {
    let rest = header.strip_prefix(ALGORITHM)?.trim_start();
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let (secret_id, date, service, terminator) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    if terminator != TERMINATOR || scope.next().is_some() || secret_id.is_empty() {
        return None;
    }
    let signature = signature?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let signed_headers: Vec<String> = signed_headers?
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if signed_headers.iter().any(String::is_empty) {
        return None;
    }
    Some(ParsedAuthorization {
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The types are the test: `Zeroizing` zeroes its bytes on drop, a `String` or an array
    /// would leave the secret and the keys derived from it in freed memory.
    #[test]
    fn the_secret_and_every_key_derived_from_it_are_zeroed_on_drop() {
        let first: Zeroizing<Vec<u8>> = tc3_key("s3cret");
        assert_eq!(first.as_slice(), b"TC3s3cret");
        let signing: Zeroizing<[u8; 32]> = signing_key("s3cret", "2019-02-25", "sms");
        assert_eq!(
            *signing,
            hmac_sha256(
                &hmac_sha256(&hmac_sha256(b"TC3s3cret", b"2019-02-25"), b"sms"),
                b"tc3_request"
            )
        );
    }
}
