//! The live inbox page (`GET /`, `/_emulator/`) and its change feed (`/_emulator/events`,
//! server-sent events), plus the guards every `/_emulator` route shares.
//!
//! The emulator listens on loopback only, but a web page the developer has open elsewhere can
//! still reach loopback: through DNS rebinding (a hostile name resolving to 127.0.0.1) or with
//! a cross-site POST. So these routes answer only requests whose `Host` is a loopback name,
//! and refuse state-changing requests that a browser sent from another origin.

use std::convert::Infallible;
use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use hyper::{HeaderMap, Method, Response, StatusCode};
use tokio::sync::watch;

use crate::http::{respond, Body};

/// The page: dependency-free HTML, CSS and JavaScript in one file.
const PAGE: &str = include_str!("inbox.html");

/// How often an idle feed sends a comment, so a closed tab is noticed and its task ends.
const FEED_HEARTBEAT: Duration = Duration::from_secs(15);

/// Whether `Host` names this machine: `localhost`, `127.x.y.z` or `[::1]`, with any port.
pub(crate) fn loopback_host(headers: &HeaderMap) -> bool {
    headers
        .get(hyper::header::HOST)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_loopback_authority)
}

/// Whether a state-changing request may change the emulator: tools such as curl send no
/// `Origin`, and a browser sends one on every POST and DELETE, form posts and `no-cors`
/// fetches included. Only the emulator's own origin (the scheme it serves and the `Host` the
/// request names, port included) may write: a page on another loopback port is another site.
/// A browser's `Sec-Fetch-Site` saying otherwise refuses it too.
pub(crate) fn same_origin_or_none(method: &Method, headers: &HeaderMap, scheme: &str) -> bool {
    if method == Method::GET || method == Method::HEAD {
        return true;
    }
    let text = |name| headers.get(name).map(|value: &HeaderValue| value.to_str());
    if let Some(site) = text("sec-fetch-site") {
        if !matches!(site, Ok("same-origin" | "none")) {
            return false;
        }
    }
    match text(hyper::header::ORIGIN.as_str()) {
        None => true,
        Some(Ok(origin)) => text(hyper::header::HOST.as_str())
            .and_then(Result::ok)
            .is_some_and(|host| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}"))),
        Some(Err(_)) => false,
    }
}

/// `host[:port]` where host is a loopback name or address.
fn is_loopback_authority(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub(crate) fn page() -> Response<Body> {
    let mut page = respond(
        StatusCode::OK,
        "text/html; charset=utf-8",
        Bytes::from_static(PAGE.as_bytes()),
    );
    let headers = page.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'",
        ),
    );
    page
}

/// A `change` event each time the inbox or the refusals change (bursts coalesce into one),
/// which the page answers by reading `/_emulator/messages` and `/_emulator/refusals` again.
pub(crate) fn events(mut changes: watch::Receiver<u64>) -> Response<Body> {
    changes.mark_unchanged();
    let feed = futures_util::stream::unfold(changes, |mut changes| async move {
        let chunk = tokio::select! {
            changed = changes.changed() => match changed {
                Ok(()) => "event: change\ndata: {}\n\n",
                Err(_) => return None, // the emulator closed
            },
            () = tokio::time::sleep(FEED_HEARTBEAT) => ": heartbeat\n\n",
        };
        Some((
            Ok::<_, Infallible>(Frame::data(Bytes::from_static(chunk.as_bytes()))),
            changes,
        ))
    });
    let hello = futures_util::stream::once(async {
        Ok(Frame::data(Bytes::from_static(
            b"retry: 1000\nevent: change\ndata: {}\n\n",
        )))
    });
    let stream = futures_util::StreamExt::chain(hello, feed);
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-store")
        .body(StreamBody::new(stream).boxed_unsync())
        .expect("static response parts are valid")
}

/// 403 for a request that failed a guard, saying which.
pub(crate) fn forbidden(why: &str) -> Response<Body> {
    respond(StatusCode::FORBIDDEN, "text/plain", format!("{why}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    hyper::header::HeaderName::from_static(name),
                    value.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn only_loopback_host_names_pass() {
        for host in [
            "127.0.0.1:9000",
            "127.1.2.3",
            "localhost:80",
            "LOCALHOST",
            "[::1]:9000",
            "[::1]",
        ] {
            assert!(loopback_host(&headers(&[("host", host)])), "{host}");
        }
        for host in [
            "evil.example:9000",
            "127.0.0.1.evil.example",
            "10.0.0.1",
            "[::2]:1",
        ] {
            assert!(!loopback_host(&headers(&[("host", host)])), "{host}");
        }
        assert!(!loopback_host(&HeaderMap::new()));
    }

    #[test]
    fn only_the_emulators_own_origin_may_write_and_tools_may() {
        let post = Method::POST;
        let own = |extra: &[(&'static str, &str)]| {
            let mut pairs = vec![("host", "127.0.0.1:9000")];
            pairs.extend_from_slice(extra);
            headers(&pairs)
        };
        assert!(
            same_origin_or_none(&post, &own(&[]), "http"),
            "curl sends no Origin"
        );
        assert!(same_origin_or_none(
            &post,
            &own(&[
                ("origin", "http://127.0.0.1:9000"),
                ("sec-fetch-site", "same-origin")
            ]),
            "http"
        ));
        for other in [
            "https://evil.example",
            "null",
            "http://127.0.0.1:9001",
            "http://localhost:9000",
            "https://127.0.0.1:9000",
        ] {
            assert!(
                !same_origin_or_none(&post, &own(&[("origin", other)]), "http"),
                "{other}"
            );
        }
        assert!(!same_origin_or_none(
            &Method::DELETE,
            &own(&[("sec-fetch-site", "same-site")]),
            "http"
        ));
        assert!(same_origin_or_none(
            &Method::GET,
            &own(&[("origin", "https://evil.example")]),
            "http"
        ));
    }
}
