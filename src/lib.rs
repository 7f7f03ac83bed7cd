//! The Node binding: converts and delegates, nothing else.
//!
//! Values cross the boundary as JSON text: `JSON.stringify` in V8 and serde in Rust are both
//! faster than walking a JS object through napi calls, and any input JSON can represent is
//! handled by the same validation the Rust tests cover. The JS shim (`lib/index.js`) turns
//! the `{ ok: false, error }` outcomes into the host's `ConnectorError`.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};

use futures_util::FutureExt;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::json;
use tencent_sms_core::{json_input::parse_js_json, metadata, ConnectorFailure};
use tencent_sms_runtime::{validate_config, Connector, EXIT_FLUSH_BOUND};

/// mimalloc v2, built with `local_dynamic_tls`: see the comment below for why each.
//
// Per send, buffers are allocated on the tokio worker and freed on Node's main thread (and the
// other way round); mimalloc's thread-local free lists make that cheap where glibc's malloc
// spent a noticeable share of the process CPU on it (bench profiles, in docs/performance.md),
// and it replaces musl's much slower malloc on Alpine (Logto's official
// image). `local_dynamic_tls`: the default initial-exec TLS fails to `dlopen` ("cannot allocate
// memory in static TLS block") once a process holds a few such libraries, e.g. two copies of
// the addon.
//
// It is mimalloc **v2**: v3 takes the first thread that allocates for the process's main
// thread, and when that thread exits (a worker thread that loaded the addon and ended) it
// frees the main thread's data and forgets its id, so the next thread to allocate is taken for
// the main thread and handed the freed heap: a segfault in the next worker's
// `napi_register_module_v1`. v2 keeps its main heap static and never tears it down
// (`__test__/workers.test.mjs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Most workers the runtime gets: two. A third only adds wakeups, because the Rust side of a
/// send is a few microseconds between socket waits.
//
// Once outcomes stopped costing Node a threadsafe function per call, the single tokio worker
// became the bottleneck under load; a second one raised sends/s at 64 concurrent sends with no
// more CPU per send, for slightly more latency one-at-a-time (alternating `npm run bench`
// children on 2 cores; the figures are in docs/performance.md).
const MAX_WORKERS: usize = 2;

/// Threads for blocking calls, which are `getaddrinfo` lookups: the client runs one per host
/// at a time (the SMS guard's Redis connections look theirs up too), so a handful is plenty.
const MAX_BLOCKING_THREADS: usize = 4;

/// How long an idle blocking thread waits for more work before it exits: a lookup is needed
/// only when a connection opens, so after a burst the process is back to its workers quickly.
const BLOCKING_THREAD_IDLE: std::time::Duration = std::time::Duration::from_secs(2);

/// One worker per core the process may use, at most [`MAX_WORKERS`]. `available_parallelism`
/// honours cgroup CPU quotas, so a one-CPU Logto container runs one worker.
#[napi_derive::module_init]
fn init() {
    let workers = std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .clamp(1, MAX_WORKERS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("tencent-sms")
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .thread_keep_alive(BLOCKING_THREAD_IDLE)
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    // The HTTP client loads the system trust store (a few ms) when it is built: do it now, in
    // the background, rather than in the first user's sign-in. A failure here is reported by
    // the first send, which tries again.
    runtime.spawn(async {
        let _ = connector().client();
    });
    create_custom_tokio_runtime(runtime);
}

/// The connector metadata, as JSON text.
#[napi]
pub fn metadata_json() -> String {
    metadata::METADATA_JSON.to_owned()
}

/// Validates a config given as JSON text: `{"success":true}` or `{"success":false,"issues":[…]}`.
#[napi(js_name = "validateConfig")]
pub fn validate_config_json(config_json: String) -> String {
    let outcome = match parse_js_json(&config_json) {
        None => {
            json!({ "success": false, "issues": [{ "code": "custom", "path": [], "message": "The config must be JSON data" }] })
        }
        Some(config) => match validate_config(&config) {
            Ok(_) => json!({ "success": true }),
            Err(issues) => json!({ "success": false, "issues": issues }),
        },
    };
    outcome.to_string()
}

/// The mainland China number `digits` probably meant (`+86…`), when a person typed a mainland
/// mobile without its country code; `None` for a number that is valid as typed. For the command
/// line: Logto's own numbers always carry their country code.
#[napi]
pub fn mainland_number_meant(digits: String) -> Option<String> {
    tencent_sms_core::guard::mainland_number_meant(&digits).map(|e164| e164.as_str().to_owned())
}

/// Writes the lines still queued for stderr (the send log), waiting at most
/// [`EXIT_FLUSH_BOUND`]: the shim calls it as the process exits, so the line of the last send
/// is not lost. Sends never wait for their lines.
#[napi]
pub fn flush_stderr() {
    connector().flush_stderr(EXIT_FLUSH_BOUND);
}

/// The config's keys at every level (`tencent_sms_core::schema`), as JSON text: what the form,
/// the declarations and the documents are tested against.
#[napi]
pub fn config_schema_json() -> String {
    tencent_sms_core::schema::schema_json().to_string()
}

/// Every bound the connector enforces, as JSON text: what the documentation's bounds are
/// rendered from and tested against.
#[napi]
pub fn limits_json() -> String {
    serde_json::to_string(&tencent_sms_runtime::limits()).unwrap_or_default()
}

/// The process's one [`Connector`]: its HTTP pools, caches and the guard's counters are shared
/// by every module instance (worker threads, the shim loaded twice), as Logto's sends are.
fn connector() -> &'static Connector {
    static CONNECTOR: OnceLock<Connector> = OnceLock::new();
    CONNECTOR.get_or_init(Connector::default)
}

fn outcome_json<T: serde::Serialize>(outcome: std::result::Result<T, ConnectorFailure>) -> String {
    match outcome {
        Ok(result) => json!({ "ok": true, "result": result }),
        Err(failure) => json!({ "ok": false, "error": failure.to_json() }),
    }
    .to_string()
}

/// Reports `(id, outcomeJson)` back to `lib/index.js`. Weak, so an idle connector never
/// keeps Node alive; the shim holds a timer while calls are in flight.
type ReportFn =
    ThreadsafeFunction<FnArgs<(u32, String)>, (), FnArgs<(u32, String)>, Status, false, true>;

/// Runs sends and usage queries on the addon's runtime and reports every outcome, as
/// `{"ok":true,"result":…}` or `{"ok":false,"error":{"code","data"}}`, through one callback.
/// One per module instance (not a global), so it stays right when the shim is loaded twice
/// or in worker threads.
//
// Not `#[napi] async fn`: napi-rs creates and tears down a threadsafe function (a libuv
// handle, an async resource and a cleanup hook) for every such call; one callback for all
// calls is far cheaper per send (see docs/performance.md).
#[napi]
pub struct Dispatcher {
    report: Arc<ReportFn>,
    /// Turns true when this module instance's environment is torn down (a terminated worker
    /// thread): its sends in flight then end at once, so they stop holding the process-wide
    /// in-flight slots and sockets that the other threads' sends need.
    closed: tokio::sync::watch::Receiver<bool>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("closed", &*self.closed.borrow())
            .finish_non_exhaustive()
    }
}

#[napi]
impl Dispatcher {
    /// One dispatcher per module instance, reporting through `report`; it stops reporting
    /// (and drops its work) when this instance's environment is torn down.
    #[napi(constructor)]
    pub fn new(env: Env, report: Function<FnArgs<(u32, String)>, ()>) -> Result<Self> {
        let report = report.build_threadsafe_function().weak::<true>().build()?;
        let (close, closed) = tokio::sync::watch::channel(false);
        env.add_env_cleanup_hook(close, |close| {
            let _ = close.send(true);
        })?;
        Ok(Self {
            report: Arc::new(report),
            closed,
        })
    }

    /// Sends one message; the outcome comes back to the callback under `id`.
    #[napi]
    pub fn send_message(&self, id: u32, config_json: String, data_json: String) {
        self.run(id, async move {
            connector().send_message(&config_json, &data_json).await
        });
    }

    /// Where each site's keys come from (`credentials.source`, and the chain's choice), read
    /// as a send would read them.
    #[napi]
    pub fn describe_credentials(&self, id: u32, config_json: String) {
        self.run(id, async move {
            connector().describe_credentials(&config_json).await
        });
    }

    /// Checks the config against the live account (read-only): `[{ id, ok, key?, message }]`.
    #[napi]
    pub fn doctor(&self, id: u32, config_json: String) {
        self.run(id, async move { connector().doctor(&config_json).await });
    }

    /// The delivery receipts of `to` since `since_seconds` (Unix), from every site.
    #[napi]
    pub fn delivery_status(&self, id: u32, config_json: String, to: String, since_seconds: f64) {
        self.run(id, async move {
            let since = if since_seconds.is_finite() {
                since_seconds as i64
            } else {
                0
            };
            connector().delivery_status(&config_json, &to, since).await
        });
    }

    /// Billed messages since `start_from_seconds` (Unix), from Tencent's SendStatusStatistics.
    #[napi]
    pub fn get_usage(&self, id: u32, config_json: String, start_from_seconds: Option<f64>) {
        self.run(id, async move {
            let start = start_from_seconds
                .filter(|s| s.is_finite())
                .map(|s| s as i64);
            connector().get_usage(&config_json, start).await
        });
    }
}

impl Dispatcher {
    /// Spawns `work` and reports its outcome; a panic is reported as an internal error, so
    /// the caller's promise always settles. Once the environment is torn down nobody awaits
    /// the outcome, and the work is dropped where it stands.
    fn run<T, F>(&self, id: u32, work: F)
    where
        T: serde::Serialize,
        F: Future<Output = std::result::Result<T, ConnectorFailure>> + Send + 'static,
    {
        let report = self.report.clone();
        let mut closed = self.closed.clone();
        napi::bindgen_prelude::spawn(async move {
            let finished = tokio::select! {
                finished = AssertUnwindSafe(work).catch_unwind() => finished,
                _ = closed.wait_for(|closed| *closed) => return,
            };
            let outcome = match finished {
                Ok(outcome) => outcome_json(outcome),
                Err(_) => json!({ "ok": false, "error": { "code": "general", "data": {
                    "errorDescription": "connector-tencent-sms-rs internal error: the send panicked" } } })
                .to_string(),
            };
            report.call(
                (id, outcome).into(),
                ThreadsafeFunctionCallMode::NonBlocking,
            );
        });
    }
}
