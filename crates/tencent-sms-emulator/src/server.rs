//! The HTTP side: routing, fault injection, TLS when configured, and a stream that can end
//! in a TCP reset.
//!
//! The emulator runs inside the host's Node process when started from JavaScript, so no
//! client may stall it or exhaust its memory: headers, bodies and idle connections have a
//! read timeout, all bodies being read share one byte budget, and a failing `accept` (out of
//! file descriptors) backs off instead of spinning.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::access;
use crate::api::handle_api;
use crate::faults::{Fault, FaultSpec};
use crate::http::{json_response, respond, Body};
use crate::inbox::received_now;
use crate::options::EmulatorOptions;
use crate::refusals::refusals_in;
use crate::roles;
use crate::state::EmulatorState;
use crate::ui;

/// Requests above this are refused: Tencent's own limit for a v3 POST is 10 MB.
const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;

/// All request bodies being read at once hold at most this many bytes.
pub const MAX_BODY_BYTES_IN_FLIGHT: usize = 32 * 1024 * 1024;

/// How long the accept loop waits after `accept` fails (e.g. no file descriptor is left).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A TCP stream that, when told to, closes with RST instead of FIN.
struct ResettableStream {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
            // SO_LINGER 0 makes close() send RST: the client sees "connection reset".
            let _ = socket_set_zero_linger(&self.inner);
        }
    }
}

#[allow(deprecated)]
fn socket_set_zero_linger(stream: &TcpStream) -> io::Result<()> {
    stream.set_linger(Some(Duration::ZERO))
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A running emulator. Dropping it without [`RunningEmulator::close`] also stops it.
#[derive(Debug)]
pub struct RunningEmulator {
    /// Its memory: inbox, refusals, faults, counters.
    pub state: Arc<EmulatorState>,
    /// The loopback address and port it listens on.
    pub local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    accept_loop: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(options: EmulatorOptions) -> io::Result<Self> {
        let tls = options
            .checked()
            .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
        let listener = TcpListener::bind((options.host.as_str(), options.port)).await?;
        let local_addr = listener.local_addr()?;
        let state = Arc::new(EmulatorState::new(options));
        let (shutdown, watcher) = watch::channel(false);
        let accept_loop = tokio::spawn(accept_loop(listener, state.clone(), tls, watcher));
        Ok(Self {
            state,
            local_addr,
            shutdown,
            accept_loop: Some(accept_loop),
        })
    }

    /// `http://127.0.0.1:<port>` (`https://` with a certificate): usable as the connector's
    /// `endpoint` (over HTTPS, when the connector trusts the certificate).
    pub fn url(&self) -> String {
        let scheme = match self.state.options.tls {
            Some(_) => "https",
            None => "http",
        };
        format!("{scheme}://{}", self.local_addr)
    }

    /// Stops accepting, drops open connections and frees the port.
    pub async fn close(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.accept_loop.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<EmulatorState>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    let budget = BodyBudget::new(MAX_BODY_BYTES_IN_FLIGHT);
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let connection = Connection { state: state.clone(), budget: budget.clone(), tls: tls.clone() };
                connections.spawn(connection.serve(stream, shutdown.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

/// What every request on one connection shares.
#[derive(Clone)]
struct Connection {
    state: Arc<EmulatorState>,
    budget: BodyBudget,
    tls: Option<TlsAcceptor>,
}

impl Connection {
    fn read_timeout(&self) -> Duration {
        Duration::from_millis(self.state.options.read_timeout_ms)
    }

    async fn serve(self, stream: TcpStream, shutdown: watch::Receiver<bool>) {
        let reset = Arc::new(AtomicBool::new(false));
        let stream = ResettableStream {
            inner: stream,
            reset: reset.clone(),
        };
        match self.tls.clone() {
            None => self.serve_http(stream, reset, shutdown).await,
            Some(acceptor) => {
                // A stalled handshake is closed like a stalled request head.
                let handshake = tokio::time::timeout(self.read_timeout(), acceptor.accept(stream));
                if let Ok(Ok(tls)) = handshake.await {
                    self.serve_http(tls, reset, shutdown).await;
                }
            }
        }
    }

    /// HTTP/1.1 on `stream`, plain or TLS; `reset` ends it with RST when a fault says so.
    async fn serve_http<S>(
        self,
        stream: S,
        reset: Arc<AtomicBool>,
        mut shutdown: watch::Receiver<bool>,
    ) where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let io = TokioIo::new(stream);
        // Hyper times the head of every request, the first and each one after an idle
        // keep-alive pause alike, so this one timeout also closes idle connections.
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.read_timeout());
        let service = service_fn(move |request| self.clone().route(reset.clone(), request));
        tokio::select! {
            _ = http.serve_connection(io, service) => {}
            _ = shutdown.changed() => {}
        }
    }

    /// The whole body within the read timeout and the shared budget, or why not.
    async fn read_body(&self, body: Incoming) -> Result<(Bytes, Reservation), BodyError> {
        let collect = async {
            let mut body = Limited::new(body, MAX_REQUEST_BYTES);
            let mut reservation = self.budget.reserve();
            let mut bytes = Vec::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|_| BodyError::TooLarge)?;
                if let Some(data) = frame.data_ref() {
                    if !reservation.grow(data.len()) {
                        return Err(BodyError::Busy);
                    }
                    bytes.extend_from_slice(data);
                }
            }
            Ok((Bytes::from(bytes), reservation))
        };
        tokio::time::timeout(self.read_timeout(), collect)
            .await
            .unwrap_or(Err(BodyError::Stalled))
    }
}

/// Why a request body was not read.
#[derive(Debug)]
enum BodyError {
    /// Larger than [`MAX_REQUEST_BYTES`], or the connection failed mid-body.
    TooLarge,
    /// Reading it would exceed [`MAX_BODY_BYTES_IN_FLIGHT`].
    Busy,
    /// It did not arrive within the read timeout.
    Stalled,
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::TooLarge => "the request body is larger than 10 MB",
            Self::Busy => "too many request bodies are being read at once",
            Self::Stalled => "the request body did not arrive in time",
        })
    }
}

impl std::error::Error for BodyError {}

/// Bytes of request bodies being read, across all connections.
#[derive(Clone)]
struct BodyBudget {
    in_use: Arc<AtomicUsize>,
    limit: usize,
}

impl BodyBudget {
    fn new(limit: usize) -> Self {
        Self {
            in_use: Arc::new(AtomicUsize::new(0)),
            limit,
        }
    }

    fn reserve(&self) -> Reservation {
        Reservation {
            budget: self.clone(),
            bytes: 0,
        }
    }
}

/// A body's share of the budget, given back when the request is done.
struct Reservation {
    budget: BodyBudget,
    bytes: usize,
}

impl Reservation {
    /// Takes `more` bytes from the budget, or nothing if that would exceed it.
    fn grow(&mut self, more: usize) -> bool {
        let limit = self.budget.limit;
        let taken = self
            .budget
            .in_use
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(more).filter(|total| *total <= limit)
            });
        if taken.is_ok() {
            self.bytes += more;
        }
        taken.is_ok()
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.in_use.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

impl Connection {
    async fn route(
        self,
        reset: Arc<AtomicBool>,
        request: Request<Incoming>,
    ) -> Result<Response<Body>, BoxError> {
        let state = &self.state;
        let path = request.uri().path().to_owned();
        if request.method() == Method::POST && path == "/" {
            return self.api(reset, request).await;
        }
        // After the access check: the metadata service answers with working keys and, unlike
        // the API, checks no signature, so on a network it answers only to the token.
        if let Some(refusal) = self.refusal(&request, &path) {
            return Ok(refusal);
        }
        if request.method() == Method::GET && path.starts_with(roles::METADATA_ROLES_PATH) {
            return Ok(roles::metadata(
                state,
                &path,
                chrono::Utc::now().timestamp(),
            ));
        }
        match (request.method(), path.as_str()) {
            (&Method::POST, "/_emulator/login") => match &state.options.access_token {
                Some(token) => {
                    let (body, _reservation) = self.read_body(request.into_body()).await?;
                    Ok(access::login(&body, token, self.tls.is_some()).await)
                }
                None => Ok(respond(StatusCode::NOT_FOUND, "text/plain", "not found\n")),
            },
            (&Method::GET, "/" | "/_emulator" | "/_emulator/") => Ok(ui::page()),
            (&Method::GET, "/_emulator/events") => Ok(ui::events(state.watch_changes())),
            (&Method::GET, "/_emulator/messages") => Ok(json_response(&json!(state.messages()))),
            (&Method::GET, "/_emulator/refusals") => Ok(json_response(&json!(state.refusals()))),
            (&Method::DELETE, "/_emulator/messages") => {
                state.clear();
                Ok(json_response(&json!({ "cleared": true })))
            }
            (&Method::POST, "/_emulator/faults") => {
                let (body, _reservation) = self.read_body(request.into_body()).await?;
                let injected = serde_json::from_slice::<FaultSpec>(&body)
                    .map_err(|e| e.to_string())
                    .and_then(|spec| state.inject(spec));
                match injected {
                    Ok(()) => Ok(json_response(&json!({ "injected": true }))),
                    Err(e) => Ok(respond(
                        StatusCode::BAD_REQUEST,
                        "text/plain",
                        format!("invalid fault: {e}\n"),
                    )),
                }
            }
            (&Method::GET, "/_emulator/stats") => Ok(json_response(&json!({
                "apiRequests": state.api_requests(),
                "credentialRequests": state.credential_requests(),
            }))),
            (&Method::GET, "/_emulator/health") => Ok(json_response(&json!({ "ok": true }))),
            _ => Ok(respond(StatusCode::NOT_FOUND, "text/plain", "not found\n")),
        }
    }

    /// Why a request for the page or the control API is refused, if it is. On loopback: a
    /// Host that is not loopback (DNS rebinding). On a network: no access token (the page
    /// then shows its login). Both: a write from another origin.
    fn refusal(&self, request: &Request<Incoming>, path: &str) -> Option<Response<Body>> {
        let headers = request.headers();
        match &self.state.options.access_token {
            Some(token) => {
                let open = matches!(path, "/_emulator/health" | "/_emulator/login");
                if !open && !access::authorized(headers, token) {
                    let page = request.method() == Method::GET
                        && matches!(path, "/" | "/_emulator" | "/_emulator/");
                    return Some(if page {
                        access::login_page()
                    } else {
                        access::unauthorized()
                    });
                }
            }
            None if !ui::loopback_host(headers) => {
                return Some(ui::forbidden(
                    "the emulator's pages answer only to a loopback Host (127.0.0.1, localhost, [::1])",
                ));
            }
            None => {}
        }
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        if !ui::same_origin_or_none(request.method(), headers, scheme) {
            return Some(ui::forbidden(
                "cross-origin requests may not change the emulator",
            ));
        }
        None
    }

    async fn api(
        &self,
        reset: Arc<AtomicBool>,
        request: Request<Incoming>,
    ) -> Result<Response<Body>, BoxError> {
        let fault = self.state.next_api_request();
        let (parts, body) = request.into_parts();
        let read = if fault.as_ref().is_none_or(Fault::reads_body) {
            match self.read_body(body).await {
                Ok(read) => Some(read),
                Err(BodyError::TooLarge) => return Ok(self.too_large()),
                Err(other) => return Err(other.into()),
            }
        } else {
            None
        };
        let body = read.as_ref().map_or(&[][..], |(body, _reservation)| body);
        match fault {
            None => Ok(self.tencent_answer(&parts.headers, self.handled(&parts.headers, body))),
            Some(fault) => self.faulted(fault, &reset, &parts.headers, body).await,
        }
    }

    /// What Tencent answers a body over its 10 MB limit.
    fn too_large(&self) -> Response<Body> {
        json_response(&json!({ "Response": { "Error": {
            "Code": "RequestSizeLimitExceeded", "Message": "The request body is larger than 10 MB." },
            "RequestId": self.state.request_id() } }))
    }

    fn handled(&self, headers: &hyper::HeaderMap, body: &[u8]) -> Value {
        handle_api(&self.state, headers, body, chrono::Utc::now().timestamp())
    }

    /// A Tencent-shaped answer, its refusals remembered for the inbox page.
    fn tencent_answer(&self, headers: &hyper::HeaderMap, value: Value) -> Response<Body> {
        let action = crate::verify::header(headers, "x-tc-action");
        self.state
            .refuse(refusals_in(&value, action, &received_now()));
        json_response(&value)
    }

    /// The answer an injected fault gives, once the body was read if [`Fault::reads_body`].
    async fn faulted(
        &self,
        fault: Fault,
        reset: &AtomicBool,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Result<Response<Body>, BoxError> {
        let state = &self.state;
        Ok(match fault {
            Fault::ResetBeforeBody | Fault::ResetAfterBody => {
                reset.store(true, Ordering::Relaxed);
                return Err("injected reset".into());
            }
            Fault::Delay { ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                self.tencent_answer(headers, self.handled(headers, body))
            }
            Fault::HttpStatus { status } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                respond(status, "text/plain", format!("{status}\n"))
            }
            Fault::HtmlPage { status } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                respond(status, "text/html", format!("<html><head><title>{status}</title></head><body><h1>{status}</h1><hr>nginx</body></html>\n"))
            }
            Fault::TruncatedJson => respond(
                StatusCode::OK,
                "application/json",
                "{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":\"2433:1\",\"Pho",
            ),
            Fault::InvalidJson => respond(StatusCode::OK, "application/json", "this is not JSON"),
            Fault::Oversize { bytes } => {
                let padding = "x".repeat(bytes);
                respond(
                    StatusCode::OK,
                    "application/json",
                    format!(
                        "{{\"Response\":{{\"Padding\":\"{padding}\",\"RequestId\":\"oversize\"}}}}"
                    ),
                )
            }
            Fault::TencentError { code, message } => self.tencent_answer(headers, json!({ "Response": {
            "Error": { "Code": code, "Message": message.unwrap_or_else(|| format!("injected {code}")) },
            "RequestId": state.request_id() } })),
            Fault::SendStatusCode { code, message } => {
                let numbers: Vec<String> = serde_json::from_slice::<Value>(body)
                    .ok()
                    .and_then(|v| v.get("PhoneNumberSet").cloned())
                    .and_then(|v| serde_json::from_value(v).ok())
                    .unwrap_or_default();
                let message = message.unwrap_or_else(|| format!("injected {code}"));
                let statuses: Vec<Value> = numbers
                    .iter()
                    .map(|n| {
                        json!({ "SerialNo": "", "PhoneNumber": n, "Fee": 0,
                "SessionContext": "", "Code": code, "Message": message, "IsoCode": "" })
                    })
                    .collect();
                self.tencent_answer(
                    headers,
                    json!({ "Response": { "SendStatusSet": statuses, "RequestId": state.request_id() } }),
                )
            }
        })
    }
}
