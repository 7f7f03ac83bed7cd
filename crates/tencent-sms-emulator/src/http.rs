//! Responses as every route writes them: one body type, the `Date` header Tencent's servers
//! send (the client corrects its clock from it), JSON. A leaf the server and each route use.

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::{Response, StatusCode};
use serde_json::Value;

/// Every response body: whole (`Full`) or streamed (the page's change feed).
pub(crate) type Body = UnsyncBoxBody<Bytes, std::convert::Infallible>;

fn http_date() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

pub(crate) fn respond(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("date", http_date())
        .body(Full::new(body.into()).boxed_unsync())
        .expect("static response parts are valid")
}

pub(crate) fn json_response(value: &Value) -> Response<Body> {
    respond(
        StatusCode::OK,
        "application/json",
        serde_json::to_vec(value).expect("JSON serializes"),
    )
}
