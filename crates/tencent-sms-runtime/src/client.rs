//! The SendSms client: one pooled HTTPS client per process, one deadline per call, safe
//! retries and clock-skew recovery.
//!
//! A sign-in page waits for the send, so every call has one deadline ([`SEND_DEADLINE`]) that
//! covers the wait for an in-flight slot, every attempt and every backoff. A call holds a slot
//! only while a request is on the wire, and one that could not start a request with at least
//! [`MIN_TIME_TO_SEND`] left is not sent at all.
//!
//! SendSms is not idempotent (no ClientToken), so a request is retried only when it cannot
//! have been delivered: the connection was never established, or Tencent refused it with
//! `RequestLimitExceeded*`. A timeout or a reset after the body went out is final, because
//! retrying it could send the user two codes. A request whose endpoint cannot be reached goes
//! to the site's backup endpoint instead, re-signed for that host, and a host found
//! unreachable again and again is avoided for a while (`breaker`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::SemaphorePermit;
use tokio::time::Instant;

use crate::bounded_read::read_body;
use crate::breaker::Breakers;
use crate::clock::{parse_http_date, Clock, SystemClock};
use crate::credentials::{fetch, CredentialCache, Current, Http, ServiceAddresses};
use crate::review_cache::ReviewCache;
use tencent_sms_core::classify::{classify_tencent_code, TencentErrorClass};
use tencent_sms_core::endpoint::Endpoint;
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::failure::ErrorCode;
use tencent_sms_core::request::{RequestCredentials, TencentRequest};
use tencent_sms_core::response::{
    parse_answer, parse_send_sms_response, parse_usage_response, SendResult, TencentReply,
    MAX_RESPONSE_BYTES,
};
use tencent_sms_core::tencent_codes::{refuses_the_keys, resigns_with_server_time};
use tencent_sms_core::ConfigIssue;
use tencent_sms_core::{CredentialSource, SigningKeys};

pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a call takes, from `sendMessage` to its answer: queue wait, attempts and backoffs.
pub const SEND_DEADLINE: Duration = Duration::from_secs(12);
/// A request is started only with at least this much of the deadline left; Tencent answers in
/// well under a second, so a later start would mostly send a code nobody waits for.
pub const MIN_TIME_TO_SEND: Duration = Duration::from_secs(1);
pub(crate) const MAX_RETRIES: u32 = 2;
const BACKOFF_BASE: Duration = Duration::from_millis(100);
/// Tencent's ceiling on API requests per second for one account: a burst faster than this is
/// refused by Tencent anyway, so the connector need not carry more.
const TENCENT_REQUESTS_PER_SECOND: usize = 3_000;
/// A round trip to Tencent from a server outside its network, TLS on a kept connection
/// included: 30–80 ms within mainland China, up to about 200 ms from abroad.
const REALISTIC_ROUND_TRIP_MS: usize = 200;
/// Requests in flight at once; more callers wait for a slot (within their deadline). Enough
/// to reach Tencent's account ceiling at a realistic round trip (3 000/s × 0.2 s = 600), so a
/// burst is limited by Tencent and not by the connector: 64 had capped a burst at 640 sends/s
/// against a 100 ms server, and 30 % of 10 000 sends ran out of time. The pool opens a socket
/// for every request that finds no idle one, so this cap is also what bounds the sockets
/// (about 600 at the peak, a few KiB of buffers each) however many sends Logto starts.
pub const MAX_IN_FLIGHT: usize = TENCENT_REQUESTS_PER_SECOND * REALISTIC_ROUND_TRIP_MS / 1_000;
/// Idle keep-alive connections kept for reuse: as many as can be in flight. A smaller cap
/// closes connections while a burst is still running (each one returned to a full idle list
/// is dropped and the next send pays a new TLS handshake): at 64 concurrent sends over TLS, a
/// cap of 8 cut throughput to a fifth (`npm run bench`). What bounds the idle sockets after a
/// burst is [`IDLE_CONNECTION_TIMEOUT`].
const MAX_IDLE_CONNECTIONS: usize = MAX_IN_FLIGHT;
/// How long an idle connection is kept; the pool checks at this interval, so one closes 5 to
/// 10 s after its last use. A reused connection saves the DNS lookup and the TCP and TLS
/// handshakes: two round trips to Tencent, plus the 4 ms a first send takes on loopback
/// against 0.3 ms on a kept connection (`npm run bench`, cold start). A workload that sends
/// every few seconds keeps its connections warm, and a quiet one, as after a burst of
/// sign-ins, holds no sockets 10 s after its last send. Tencent does not document how long its
/// servers keep idle connections (we found no statement), so the client does not count on a
/// long one. Node's keep-alive agent, which the official connector uses, also closes idle
/// sockets after 5 s.
pub(crate) const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);
/// Endpoint hosts whose clock correction is remembered; real deployments use one or two.
const MAX_CLOCK_HOSTS: usize = 64;

/// How the client is built; `Default` is what production uses.
#[derive(Clone)]
pub struct ClientOptions {
    /// The TCP (and TLS) connect bound of one attempt.
    pub connect_timeout: Duration,
    /// The most one HTTP exchange may take (less when the send deadline is nearer).
    pub request_timeout: Duration,
    /// The whole call's bound; see [`SEND_DEADLINE`].
    pub send_deadline: Duration,
    /// Retries of requests that cannot have been delivered.
    pub max_retries: u32,
    /// The clock that timestamps requests.
    pub clock: Arc<dyn Clock>,
    /// How long a host found unreachable is avoided before a send probes it again.
    pub breaker_open_for: Duration,
    /// Extra trusted root certificates (PEM), for tests against a local HTTPS server.
    #[cfg(feature = "testing")]
    pub extra_root_certificates_pem: Vec<Vec<u8>>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("send_deadline", &self.send_deadline)
            .field("max_retries", &self.max_retries)
            .field("breaker_open_for", &self.breaker_open_for)
            .finish_non_exhaustive()
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            send_deadline: SEND_DEADLINE,
            max_retries: MAX_RETRIES,
            clock: Arc::new(SystemClock),
            breaker_open_for: crate::breaker::OPEN_FOR,
            #[cfg(feature = "testing")]
            extra_root_certificates_pem: Vec::new(),
        }
    }
}

/// Sends signed requests to Tencent: one per process, shared by every send.
#[derive(Debug)]
pub struct SmsClient {
    http: reqwest::Client,
    /// The same client without proxies, built on first use, for loopback endpoints.
    direct: OnceLock<reqwest::Client>,
    /// The TLS setup both clients share, so the trust store is loaded once.
    tls: rustls::ClientConfig,
    options: ClientOptions,
    /// Seconds to add to the local clock per endpoint host, learned from its `Date` header:
    /// a correction learned from one site says nothing about another.
    clock_offsets: Mutex<HashMap<String, i64>>,
    in_flight: tokio::sync::Semaphore,
    breakers: Breakers,
    credentials: CredentialCache,
    reviews: ReviewCache,
}

impl SmsClient {
    /// A client with its connection pools; fails only if TLS cannot be set up.
    pub fn new(options: ClientOptions) -> Result<Self, ConnectorFailure> {
        let tls = crate::tls::client_config(extra_roots(&options)?)
            .map_err(|e| setup_failure(format!("cannot set up TLS: {e}")))?;
        Ok(Self {
            http: build_http(&options, tls.clone(), true)?,
            direct: OnceLock::new(),
            tls,
            clock_offsets: Mutex::new(HashMap::new()),
            in_flight: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
            breakers: Breakers::new(options.breaker_open_for),
            credentials: CredentialCache::default(),
            reviews: ReviewCache::default(),
            options,
        })
    }

    /// The clock requests are timestamped with, which is also the connector's "now".
    pub(crate) fn clock(&self) -> &dyn Clock {
        &*self.options.clock
    }

    /// The clock correction currently applied to requests to `host`, in seconds.
    pub fn clock_offset(&self, host: &str) -> i64 {
        self.offsets().get(host).copied().unwrap_or(0)
    }

    fn offsets(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        self.clock_offsets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn learn_clock_offset(&self, host: &str, server_time: i64) {
        let offset = server_time - self.options.clock.now_unix();
        let mut offsets = self.offsets();
        if offsets.len() >= MAX_CLOCK_HOSTS && !offsets.contains_key(host) {
            offsets.clear();
        }
        offsets.insert(host.to_owned(), offset);
    }

    fn now(&self, host: &str) -> i64 {
        self.options.clock.now_unix() + self.clock_offset(host)
    }

    /// Reviews of templates and signs looked up for errors.
    pub(crate) fn reviews(&self) -> &ReviewCache {
        &self.reviews
    }

    /// Whether sends currently keep away from `host` (its breaker is open).
    pub fn avoids_host(&self, host: &str) -> bool {
        self.breakers.is_open(host, Instant::now())
    }

    fn http_for(&self, endpoint: &Endpoint) -> Result<&reqwest::Client, ConnectorFailure> {
        if !endpoint.direct {
            return Ok(&self.http);
        }
        self.direct_http()
    }

    /// The client that never uses a proxy, built on first use.
    fn direct_http(&self) -> Result<&reqwest::Client, ConnectorFailure> {
        if let Some(direct) = self.direct.get() {
            return Ok(direct);
        }
        let direct = build_http(&self.options, self.tls.clone(), false)?;
        Ok(self.direct.get_or_init(|| direct))
    }

    /// The keys a request is signed with: the config's own, or its source's (read and kept by
    /// [`CredentialCache`]), read before the request takes an in-flight slot and given up when
    /// no request could start in time after them, so a source that does not answer ends the
    /// send as a config problem at `credentials`, with nothing sent.
    async fn keys_before(
        &self,
        request: &TencentRequest,
        deadline: Instant,
    ) -> Result<Arc<SigningKeys>, ConnectorFailure> {
        let source = match &request.credentials {
            RequestCredentials::Keys(keys) => return Ok(keys.clone()),
            RequestCredentials::Source(source) => source,
        };
        let latest_start = latest_start(deadline);
        match tokio::time::timeout_at(latest_start, self.keys_from(source)).await {
            Ok(keys) => keys.map(|current| current.keys),
            Err(_) => Err(credential_failure(
                source,
                "it gave none in time for the send's deadline",
            )),
        }
    }

    /// Whether a refusal of `keys` is worth one fetch of new keys: temporary keys from a role
    /// or STS, refused as revoked or unknown (a refused request was not delivered).
    fn renews_refused_keys(
        &self,
        request: &TencentRequest,
        keys: &SigningKeys,
        code: &str,
    ) -> bool {
        matches!(request.credentials, RequestCredentials::Source(_))
            && keys.token.is_some()
            && refuses_the_keys(code)
    }

    /// The whole send's deadline (`ClientOptions::send_deadline`).
    pub(crate) fn send_deadline(&self) -> Duration {
        self.options.send_deadline
    }

    /// The keys `source` gives now, and which source gave them (the chain's choice).
    async fn keys_from(&self, source: &CredentialSource) -> Result<Current, ConnectorFailure> {
        let http = Http {
            direct: self.direct_http()?,
            for_sts: &self.http,
        };
        let clock = &self.options.clock;
        let now = || clock.now_unix();
        // The service addresses are read only when keys are fetched, not on every send.
        let refresh = || async {
            let addresses = ServiceAddresses::from_env()?;
            fetch(source, &http, &addresses, now()).await
        };
        self.credentials
            .keys(source, now, refresh)
            .await
            .map_err(|why| credential_failure(source, &why))
    }

    /// Reads the keys of `source` as a send would (within the send deadline) and says which
    /// source gave them: for the command line, which shows where the keys came from.
    pub async fn resolve_credentials(
        &self,
        source: &CredentialSource,
    ) -> Result<&'static str, ConnectorFailure> {
        if source.is_config() {
            return Ok("config");
        }
        let read = self.keys_from(source);
        let current = tokio::time::timeout(self.options.send_deadline, read)
            .await
            .unwrap_or_else(|_| {
                Err(credential_failure(
                    source,
                    "it took longer than the send deadline",
                ))
            })?;
        Ok(current.used)
    }
}

/// No keys from `source`: a config problem, at `credentials`, saying what was tried and
/// that nothing was sent (no request was signed).
fn credential_failure(source: &CredentialSource, why: &str) -> ConnectorFailure {
    ConnectorFailure::invalid_config(vec![ConfigIssue::custom(
        &[serde_json::Value::String("credentials".to_owned())],
        format!(
            "the keys could not be read, so nothing was sent: credentials.source {} gave no keys to sign with: {why}",
            source.name()
        ),
    )])
}

/// The pooled HTTP client; `proxies` honours `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`.
fn build_http(
    options: &ClientOptions,
    tls: rustls::ClientConfig,
    proxies: bool,
) -> Result<reqwest::Client, ConnectorFailure> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .dns_resolver(crate::dns::SystemResolver::new())
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .pool_idle_timeout(IDLE_CONNECTION_TIMEOUT)
        .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS)
        .redirect(reqwest::redirect::Policy::none());
    if !proxies {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| setup_failure(format!("cannot build the HTTP client: {}", root_cause(&e))))
}

fn setup_failure(description: String) -> ConnectorFailure {
    ConnectorFailure::new(ErrorCode::General, description)
}

/// Test roots (PEM), as DER, to trust beside the platform's store.
#[cfg(feature = "testing")]
fn extra_roots(
    options: &ClientOptions,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ConnectorFailure> {
    use rustls::pki_types::pem::PemObject;
    options
        .extra_root_certificates_pem
        .iter()
        .map(|pem| {
            rustls::pki_types::CertificateDer::from_pem_slice(pem)
                .map_err(|_| setup_failure("an extra root certificate is not valid PEM".to_owned()))
        })
        .collect()
}

#[cfg(not(feature = "testing"))]
fn extra_roots(
    _options: &ClientOptions,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ConnectorFailure> {
    Ok(Vec::new())
}

impl SmsClient {
    /// Sends a SendSms `request`, retrying only what is safe to retry.
    pub async fn send(&self, request: &TencentRequest) -> Result<SendResult, ConnectorFailure> {
        self.send_counting(request, &AtomicU32::new(0)).await
    }

    /// [`SmsClient::send`], adding each HTTP attempt it makes to `attempts` (for the send log).
    pub async fn send_counting(
        &self,
        request: &TencentRequest,
        attempts: &AtomicU32,
    ) -> Result<SendResult, ConnectorFailure> {
        self.execute(request, parse_send_sms_response, attempts)
            .await
    }

    /// Any read-only action: its answer, typed by `T`, with the same deadline, retries and
    /// credentials as a send.
    pub async fn call<T>(&self, request: &TencentRequest) -> Result<T, ConnectorFailure>
    where
        T: serde::de::DeserializeOwned + tencent_sms_wire::Answer + Send,
    {
        self.execute(request, parse_answer::<T>, &AtomicU32::new(0))
            .await
    }

    /// Sends a SendStatusStatistics `request`: the billed message count.
    pub async fn fetch_usage(&self, request: &TencentRequest) -> Result<u64, ConnectorFailure> {
        self.execute(request, parse_usage_response, &AtomicU32::new(0))
            .await
    }

    /// Any API call: one deadline, safe retries and clock correction for every action.
    async fn execute<T>(
        &self,
        request: &TencentRequest,
        parse: fn(&[u8]) -> Result<TencentReply<T>, ConnectorFailure>,
        attempts: &AtomicU32,
    ) -> Result<T, ConnectorFailure> {
        let deadline = Instant::now() + self.options.send_deadline;
        tokio::time::timeout_at(deadline, self.attempts(request, parse, deadline, attempts))
            .await
            .unwrap_or_else(|_| {
                Err(deadline_passed(
                    &request.endpoint.host_header,
                    self.options.send_deadline,
                ))
            })
    }

    /// The endpoint of the first attempt: the primary, unless its breaker keeps sends away and
    /// there is a backup.
    fn first_endpoint<'r>(&self, request: &'r TencentRequest) -> &'r Endpoint {
        match &request.backup {
            Some(backup)
                if !self
                    .breakers
                    .admits(&request.endpoint.host_header, Instant::now()) =>
            {
                backup
            }
            _ => &request.endpoint,
        }
    }

    async fn attempts<T>(
        &self,
        request: &TencentRequest,
        parse: fn(&[u8]) -> Result<TencentReply<T>, ConnectorFailure>,
        deadline: Instant,
        attempts: &AtomicU32,
    ) -> Result<T, ConnectorFailure> {
        let mut retries = 0;
        let mut clock_corrected = false;
        let mut keys_renewed = false;
        let mut keys = self.keys_before(request, deadline).await?;
        let mut endpoint = self.first_endpoint(request);
        let mut unreachable: Vec<&str> = Vec::new();
        loop {
            let host = endpoint.host_header.as_str();
            let exchange = {
                let _slot = self.slot_before(deadline).await?;
                attempts.fetch_add(1, Ordering::Relaxed);
                self.post(request, endpoint, deadline, &keys).await
            };
            let answer = match exchange {
                Ok(answer) => {
                    self.breakers.reached(host);
                    answer
                }
                Err(error) if error.is_connect() => {
                    self.breakers.unreachable(host, Instant::now());
                    if !unreachable.contains(&host) {
                        unreachable.push(host);
                    }
                    let failure = || network_failure(&error, &unreachable.join(" and "));
                    if retries >= self.options.max_retries {
                        return Err(failure());
                    }
                    retries += 1;
                    match other_endpoint(request, endpoint) {
                        // Nothing reached the failed host: the other one is tried at once.
                        Some(other) => endpoint = other,
                        None => backoff_before(retries - 1, deadline)
                            .await
                            .ok_or_else(failure)?,
                    }
                    continue;
                }
                Err(error) => {
                    self.breakers.inconclusive(host);
                    return Err(network_failure(&error, host));
                }
            };
            let (body, server_time) = match answer {
                Exchange::Body { body, server_time } => (body, server_time),
                Exchange::NotSent(failure) | Exchange::Unusable(failure) => return Err(failure),
            };
            let reply = parse(&body)?;
            let (code, message, request_id) = match reply {
                TencentReply::Success(result) => return Ok(result),
                TencentReply::Refused {
                    code,
                    message,
                    request_id,
                } => (code, message, request_id),
            };
            let refusal = || ConnectorFailure::from_tencent(&code, &message, request_id.as_deref());
            match classify_tencent_code(&code) {
                TencentErrorClass::ApiRate if retries < self.options.max_retries => {
                    backoff_before(retries, deadline)
                        .await
                        .ok_or_else(refusal)?;
                    retries += 1;
                }
                TencentErrorClass::ClockSkew
                    if resigns_with_server_time(&code) && !clock_corrected =>
                {
                    let server_time = server_time.ok_or_else(refusal)?;
                    self.learn_clock_offset(host, server_time);
                    clock_corrected = true;
                }
                TencentErrorClass::Credentials
                    if !keys_renewed && self.renews_refused_keys(request, &keys, &code) =>
                {
                    if let RequestCredentials::Source(source) = &request.credentials {
                        self.credentials.forget(source, &keys);
                    }
                    keys = self.keys_before(request, deadline).await?;
                    keys_renewed = true;
                }
                _ => return Err(refusal()),
            }
        }
    }

    /// An in-flight slot, if one frees up while a request can still start in time.
    async fn slot_before(
        &self,
        deadline: Instant,
    ) -> Result<SemaphorePermit<'_>, ConnectorFailure> {
        let latest_start = latest_start(deadline);
        match tokio::time::timeout_at(latest_start, self.in_flight.acquire()).await {
            Ok(Ok(slot)) => Ok(slot),
            Ok(Err(_)) => Err(ConnectorFailure::new(
                ErrorCode::General,
                "the SMS client is shutting down",
            )),
            Err(_) => Err(ConnectorFailure::new(
                ErrorCode::General,
                format!(
                    "the connector already had {MAX_IN_FLIGHT} requests to Tencent SMS in flight and none finished in time, so this message was not sent"
                ),
            )),
        }
    }

    async fn post(
        &self,
        request: &TencentRequest,
        endpoint: &Endpoint,
        deadline: Instant,
        keys: &SigningKeys,
    ) -> Result<Exchange, reqwest::Error> {
        let http = match self.http_for(endpoint) {
            Ok(http) => http,
            Err(failure) => return Ok(Exchange::NotSent(failure)),
        };
        let host = &endpoint.host_header;
        let Ok(headers) = request.headers(host, self.now(host), keys) else {
            return Ok(Exchange::NotSent(ConnectorFailure::new(
                ErrorCode::InvalidConfig,
                "accessKeyId, region or endpoint holds characters an HTTP header cannot carry",
            )));
        };
        let mut http_request = reqwest::Request::new(reqwest::Method::POST, endpoint.url.clone());
        *http_request.headers_mut() = headers;
        *http_request.body_mut() = Some(request.body.clone().into());
        let left = deadline.saturating_duration_since(Instant::now());
        *http_request.timeout_mut() = Some(self.options.request_timeout.min(left));
        let response = http.execute(http_request).await?;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            return Ok(Exchange::Unusable(ConnectorFailure::new(
                ErrorCode::General,
                format!("Tencent SMS answered HTTP {status}"),
            )));
        }
        let server_time = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        Ok(match read_body(response, MAX_RESPONSE_BYTES).await? {
            Some(body) => Exchange::Body { body, server_time },
            None => Exchange::Unusable(oversize()),
        })
    }
}

/// The last moment a request may start before `deadline` ([`MIN_TIME_TO_SEND`] ahead of it):
/// later, nothing is sent, neither a request nor the reading of keys for one.
fn latest_start(deadline: Instant) -> Instant {
    deadline.checked_sub(MIN_TIME_TO_SEND).unwrap_or(deadline)
}

/// The request's other endpoint than `tried`, if it has two.
fn other_endpoint<'r>(request: &'r TencentRequest, tried: &Endpoint) -> Option<&'r Endpoint> {
    let backup = request.backup.as_ref()?;
    Some(if std::ptr::eq(tried, backup) {
        &request.endpoint
    } else {
        backup
    })
}

/// What one HTTP exchange that did not fail on the network produced.
enum Exchange {
    /// Nothing was sent: the request could not be built.
    NotSent(ConnectorFailure),
    /// The server answered, but not with a readable 200.
    Unusable(ConnectorFailure),
    /// A 200's body, with the server's clock from its `Date` header.
    Body {
        body: Vec<u8>,
        server_time: Option<i64>,
    },
}

fn oversize() -> ConnectorFailure {
    ConnectorFailure::new(
        ErrorCode::InvalidResponse,
        "Tencent SMS returned a malformed response: the body is larger than 1 MiB",
    )
}

/// Jittered exponential backoff: 100 ms, 200 ms, … each ±50 %. `None`, without waiting, when
/// no request could start in time after it.
async fn backoff_before(retry: u32, deadline: Instant) -> Option<()> {
    let base = BACKOFF_BASE.as_millis() as u64 * (1 << retry.min(6));
    let jitter = fastrand::u64(0..=base);
    let wake = Instant::now() + Duration::from_millis(base / 2 + jitter);
    if wake + MIN_TIME_TO_SEND > deadline {
        return None;
    }
    tokio::time::sleep_until(wake).await;
    Some(())
}

fn deadline_passed(host: &str, deadline: Duration) -> ConnectorFailure {
    ConnectorFailure::new(
        ErrorCode::General,
        format!(
            "Tencent SMS at {host} did not answer within the connector's {} s deadline; the message may or may not have been sent",
            deadline.as_secs()
        ),
    )
}

/// The innermost cause, which names the real problem (refused, DNS, certificate…).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

fn network_failure(error: &reqwest::Error, host: &str) -> ConnectorFailure {
    let cause = root_cause(error);
    let description = if error.is_timeout() {
        format!(
            "Tencent SMS at {host} did not answer in time ({cause}); the message may or may not have been sent, so it was not retried"
        )
    } else if error.is_connect() {
        format!("could not connect to Tencent SMS at {host}: {cause}")
    } else {
        format!("the request to Tencent SMS at {host} failed: {cause}")
    };
    ConnectorFailure::new(ErrorCode::General, description)
}
