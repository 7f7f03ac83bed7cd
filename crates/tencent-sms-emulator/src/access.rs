//! Access to the page, the control API and the event stream of an emulator that listens on a
//! network on purpose (`listenOnNetwork`): a bearer token, or a cookie that the page's login
//! form sets once. On loopback nothing here applies and the inbox stays open, as it always was.
//!
//! The token is compared in constant time, a wrong one costs the caller a pause, and the cookie
//! is `HttpOnly` and `SameSite=Strict`, so a page of another site can neither read it nor send
//! it along with a forged request.

use std::time::Duration;

use bytes::Bytes;
use hyper::header::{HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE};
use hyper::{HeaderMap, Response, StatusCode};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::http::{respond, Body};
use crate::options::AccessToken;

/// The cookie the login form sets.
const COOKIE_NAME: &str = "tencent_sms_emulator_token";

/// How long a wrong token holds its caller, so guessing is slow.
const WRONG_TOKEN_PAUSE: Duration = Duration::from_millis(250);

/// The login form, shown instead of the page until the browser holds the cookie.
const LOGIN_PAGE: &str = include_str!("login.html");

fn same(token: &AccessToken, given: &str) -> bool {
    token.0.as_bytes().ct_eq(given.as_bytes()).into()
}

/// Whether the request carries the token: `Authorization: Bearer <token>` or the cookie.
pub(crate) fn authorized(headers: &HeaderMap, token: &AccessToken) -> bool {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_credentials)
        .is_some_and(|given| same(token, given));
    bearer
        || headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|cookie| cookie.trim().split_once('='))
            .any(|(name, value)| name == COOKIE_NAME && same(token, value))
}

/// The token of `Authorization: Bearer <token>`; the scheme's name is case-insensitive
/// (RFC 9110 section 11.1), so `bearer` and `BEARER` are read too.
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim())
}

/// 401 for an API call without the token.
pub(crate) fn unauthorized() -> Response<Body> {
    let mut response = respond(
        StatusCode::UNAUTHORIZED,
        "text/plain",
        "this emulator listens on a network: send Authorization: Bearer <access token>, or log in on its page\n",
    );
    response
        .headers_mut()
        .insert("www-authenticate", HeaderValue::from_static("Bearer"));
    response
}

/// The login form.
pub(crate) fn login_page() -> Response<Body> {
    let mut page = respond(
        StatusCode::OK,
        "text/html; charset=utf-8",
        Bytes::from_static(LOGIN_PAGE.as_bytes()),
    );
    let headers = page.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
        ),
    );
    page
}

#[derive(Deserialize)]
struct Login {
    token: String,
}

/// `POST /_emulator/login` with `{"token": …}`: the cookie when the token is right.
pub(crate) async fn login(body: &[u8], token: &AccessToken, https: bool) -> Response<Body> {
    let given = serde_json::from_slice::<Login>(body).map(|login| login.token);
    if !given.is_ok_and(|given| same(token, &given)) {
        tokio::time::sleep(WRONG_TOKEN_PAUSE).await;
        return respond(
            StatusCode::UNAUTHORIZED,
            "text/plain",
            "wrong access token\n",
        );
    }
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Strict{secure}",
        token.0
    );
    let mut response = respond(StatusCode::NO_CONTENT, "text/plain", Bytes::new());
    if let Ok(value) = HeaderValue::try_from(cookie) {
        response.headers_mut().insert("set-cookie", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> AccessToken {
        AccessToken("0123456789abcdef".to_owned())
    }

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        headers
    }

    #[test]
    fn the_bearer_header_or_the_cookie_and_nothing_else() {
        for scheme in ["Bearer", "bearer", "BeArEr"] {
            assert!(authorized(
                &headers("authorization", &format!("{scheme} 0123456789abcdef")),
                &token()
            ));
        }
        assert!(authorized(
            &headers("cookie", "a=b; tencent_sms_emulator_token=0123456789abcdef"),
            &token()
        ));
        for (name, value) in [
            ("authorization", "Bearer 0123456789abcdeX"),
            ("authorization", "Basic 0123456789abcdef"),
            ("cookie", "tencent_sms_emulator_token=0123456789abcde"),
            ("cookie", "other=0123456789abcdef"),
        ] {
            assert!(
                !authorized(&headers(name, value), &token()),
                "{name}: {value}"
            );
        }
        assert!(!authorized(&HeaderMap::new(), &token()));
    }

    #[tokio::test]
    async fn the_login_sets_an_http_only_strict_cookie_for_the_right_token_only() {
        let ok = login(br#"{"token":"0123456789abcdef"}"#, &token(), false).await;
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        let cookie = ok.headers()["set-cookie"].to_str().unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        let wrong = login(br#"{"token":"nope"}"#, &token(), false).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(!wrong.headers().contains_key("set-cookie"));
    }
}
