//! What both ends of the Tencent Cloud SMS API 3.0 wire agree on: the connector signs with it
//! and the emulator verifies with it, so neither can drift from the other.
//!
//! [`sign`] is TC3-HMAC-SHA256, one small pure function per step of the published algorithm;
//! [`SecretKey`] keeps the credential out of every print; [`SERVICE`], [`VERSION`] and
//! [`is_valid_region`] are the request envelope's fixed parts.

mod secret;
pub mod sign;

pub use secret::SecretKey;

/// The service name in the credential scope and the host (`sms.tencentcloudapi.com`).
pub const SERVICE: &str = "sms";

/// The SMS API version every request names in `X-TC-Version`.
pub const VERSION: &str = "2021-01-11";

/// The `Content-Type` of every request body, which is signed: Tencent's SDKs send exactly this.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Whether `region` has the shape of a Tencent region, `^[a-z]{2,}-[a-z0-9-]+$` (e.g.
/// `ap-guangzhou`): it travels in the `X-TC-Region` header, so nothing else may pass.
pub fn is_valid_region(region: &str) -> bool {
    let Some((area, rest)) = region.split_once('-') else {
        return false;
    };
    area.len() >= 2
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
