//! The emulator's Node binding, for `tencent-sms-emulator`'s `startEmulator`.
//!
//! A separate addon from the connector's, so no Logto process ever loads the emulator, its
//! demo credentials or its routes. Options, messages and faults cross as JSON text.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tencent_sms_emulator::EmulatorState;
use tencent_sms_emulator::{EmulatorOptions, FaultSpec, RunningEmulator};

use tencent_sms_emulator::options::from_json as from_js_json;

fn invalid_arg(message: String) -> Error {
    Error::new(Status::InvalidArg, message)
}

/// The emulator's defaults (the demo's credentials, app, sign name and templates) as JSON.
#[napi]
pub fn emulator_defaults_json() -> String {
    serde_json::to_string(&EmulatorOptions::default()).expect("options serialize")
}

/// The command line, dispatched as the Rust binary dispatches it, with the access token read
/// from the same variable (`cli::TOKEN_VAR`, named once): `{"exit": {"stdout"?, "stderr"?,
/// "code"}}` (help, bad usage, the health check) or `{"run": options}`, as JSON text, so the npm
/// command and the container's binary are one command.
#[napi]
pub fn dispatch(args: Vec<String>) -> String {
    use tencent_sms_emulator::cli::{dispatch, Step, TOKEN_VAR};
    match dispatch(&args, std::env::var(TOKEN_VAR).ok()) {
        Step::Exit(exit) => serde_json::json!({ "exit": exit }),
        Step::Run(options) => serde_json::json!({ "run": options }),
    }
    .to_string()
}

/// How the command ends when an emulator could not start (`bad_options`: it refused them), as
/// `{"stdout"?, "stderr"?, "code"}` JSON text.
#[napi]
pub fn start_failure(message: String, bad_options: bool) -> String {
    serde_json::to_string(&tencent_sms_emulator::cli::start_failure(
        &message,
        bad_options,
    ))
    .unwrap_or_default()
}

/// What the command prints once an emulator listens, for options given as JSON text.
#[napi]
pub fn banner(url: String, options_json: String) -> Result<String> {
    let options: EmulatorOptions = from_js_json(&options_json).map_err(invalid_arg)?;
    Ok(tencent_sms_emulator::cli::banner(&url, &options))
}

/// A running emulator, owned by `lib/emulator.js`.
#[napi]
pub struct NativeEmulator {
    running: Arc<tokio::sync::Mutex<RunningEmulator>>,
    state: Arc<EmulatorState>,
    url: String,
}

impl std::fmt::Debug for NativeEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeEmulator")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Starts an emulator with options given as JSON text.
#[napi]
pub async fn start_emulator(options_json: String) -> Result<NativeEmulator> {
    let options: EmulatorOptions = from_js_json(&options_json)
        .map_err(|e| invalid_arg(format!("invalid emulator options: {e}")))?;
    let running = RunningEmulator::start(options).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            invalid_arg(format!("invalid emulator options: {e}"))
        } else {
            Error::from_reason(format!("the emulator cannot listen: {e}"))
        }
    })?;
    Ok(NativeEmulator {
        url: running.url(),
        state: running.state.clone(),
        running: Arc::new(tokio::sync::Mutex::new(running)),
    })
}

#[napi]
impl NativeEmulator {
    /// Where it listens, e.g. `http://127.0.0.1:9000`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The inbox as JSON text.
    #[napi]
    pub fn messages_json(&self) -> String {
        serde_json::to_string(&self.state.messages()).expect("messages serialize")
    }

    /// The refused API requests as JSON text.
    #[napi]
    pub fn refusals_json(&self) -> String {
        serde_json::to_string(&self.state.refusals()).expect("refusals serialize")
    }

    /// Empties the inbox, the refusals, pending faults and the frequency-limit memory.
    #[napi]
    pub fn clear(&self) {
        self.state.clear();
    }

    /// Queues a fault (`{"kind": …, "count": N}` as JSON text) for the next N API requests.
    #[napi]
    pub fn inject_fault(&self, spec_json: String) -> Result<()> {
        let spec: FaultSpec =
            from_js_json(&spec_json).map_err(|e| invalid_arg(format!("invalid fault: {e}")))?;
        self.state
            .inject(spec)
            .map_err(|e| invalid_arg(format!("invalid fault: {e}")))
    }

    /// How many API requests arrived (faulted ones included).
    #[napi]
    pub fn api_requests(&self) -> f64 {
        self.state.api_requests() as f64
    }

    /// How many temporary credentials were handed out (metadata service and STS).
    #[napi]
    pub fn credential_requests(&self) -> f64 {
        self.state.credential_requests() as f64
    }

    /// Stops the server and frees the port.
    #[napi]
    pub async fn close(&self) {
        self.running.lock().await.close().await;
    }
}
