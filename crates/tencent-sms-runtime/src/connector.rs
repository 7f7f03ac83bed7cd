//! [`Connector`]: the one value that owns a process's sending state. The Node binding holds
//! one; tests make as many as they like, each with its own clock and client options.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use tencent_sms_core::json_input::parse_js_json;
use tencent_sms_core::{normalize_e164, ConnectorFailure, ErrorCode, SendResult, SiteName};

use crate::client::{ClientOptions, SmsClient};
use crate::config_cache::ConfigCache;
use crate::diagnosis::{self, Check, Receipt};
use crate::guard::Guard;
use crate::send::send_with_config;
use crate::send_log::SendLog;
use crate::stderr_lines::StderrLines;
use crate::usage::{get_usage, UsageCache};

/// Everything that outlives one call: the HTTP client (its pools, breakers, credential and
/// review caches), validated configs, the guard's counters and Redis connections, the usage
/// cache, and the send log's level (`TENCENT_SMS_LOG`, read when the connector is made). Every method takes the config as Logto passes it, as JSON text.
pub struct Connector {
    /// Built on first use, because building loads the system trust store (a few ms) and may
    /// fail; a failed build is tried again by the next call.
    client: OnceLock<SmsClient>,
    /// What the client is built with; kept, so a failed build can be tried again.
    options: Mutex<ClientOptions>,
    configs: ConfigCache,
    guard: Guard,
    usage: UsageCache,
    log: SendLog,
    /// What the send log and the guard write on stderr, off the sends' path.
    lines: Arc<StderrLines>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("client_built", &self.client.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Default for Connector {
    fn default() -> Self {
        Self::new(ClientOptions::default())
    }
}

/// Where one site's keys come from, as the command line shows it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct CredentialReport {
    /// The site: `main` or `international`.
    pub site: SiteName,
    /// `credentials.source`.
    #[cfg_attr(feature = "typescript", ts(type = "string"))]
    pub source: &'static str,
    /// The source that gave the keys (the chain's choice, else `source` itself).
    #[cfg_attr(feature = "typescript", ts(type = "string"))]
    pub used: &'static str,
}

impl Connector {
    /// A connector whose client is built with `options` on first use; `options.clock` is the
    /// clock of everything it does (signing, the guard's windows, usage and receipt ranges).
    pub fn new(options: ClientOptions) -> Self {
        Self::writing_to(options, Arc::default())
    }

    /// A connector whose stderr lines go to `lines`.
    fn writing_to(options: ClientOptions, lines: Arc<StderrLines>) -> Self {
        Self {
            client: OnceLock::new(),
            log: SendLog::from_env(lines.clone(), options.clock.clone()),
            options: Mutex::new(options),
            configs: ConfigCache::default(),
            guard: Guard::writing_to(lines.clone()),
            usage: UsageCache::default(),
            lines,
        }
    }

    /// A connector that logs every send (`TENCENT_SMS_LOG=all`) to what `make_sink` opens: a
    /// test's stuck, slow or closed stderr.
    #[cfg(feature = "testing")]
    pub fn logging_all_to(
        options: ClientOptions,
        make_sink: impl FnOnce() -> Box<dyn std::io::Write + Send> + Send + 'static,
    ) -> Self {
        let mut connector = Self::writing_to(options, Arc::new(StderrLines::to_sink(make_sink)));
        connector.log = connector.log.clone().all();
        connector
    }

    /// The clock correction its client applies to requests to `host`, in seconds.
    pub fn clock_offset(&self, host: &str) -> i64 {
        self.client
            .get()
            .map_or(0, |client| client.clock_offset(host))
    }

    /// Whether its sends currently keep away from `host` (the host's breaker is open).
    pub fn avoids_host(&self, host: &str) -> bool {
        self.client
            .get()
            .is_some_and(|client| client.avoids_host(host))
    }

    /// Waits until the lines queued for stderr are written, at most `bound`: for the moment
    /// before the process exits (a send never waits for its line).
    pub fn flush_stderr(&self, bound: Duration) {
        self.lines.flush(bound);
    }

    /// Lines that could not be written to stderr and are not yet reported as dropped.
    pub fn unreported_dropped_lines(&self) -> u64 {
        self.lines.unreported_drops()
    }

    /// The HTTP client, built on first use. A call that arrives while another builds it waits
    /// for that build rather than starting a second one.
    pub fn client(&self) -> Result<&SmsClient, ConnectorFailure> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let options = self
            .options
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = SmsClient::new(options.clone())?;
        Ok(self.client.get_or_init(|| client))
    }

    /// Sends one message: `data` as Logto passes it (`to`, `type`, `payload`, `locale`, `ip`).
    pub async fn send_message(
        &self,
        config_json: &str,
        data_json: &str,
    ) -> Result<SendResult, ConnectorFailure> {
        let client = self.client()?;
        let config = self.configs.get_or_validate(config_json)?;
        let data = parse_js_json(data_json).unwrap_or(Value::Null);
        send_with_config(client, &self.guard, &self.log, &config, &data).await
    }

    /// Reads each site's keys as a send would and says where they came from.
    pub async fn describe_credentials(
        &self,
        config_json: &str,
    ) -> Result<Vec<CredentialReport>, ConnectorFailure> {
        let client = self.client()?;
        let config = self.configs.get_or_validate(config_json)?;
        let mut reports = Vec::new();
        for site in config.sites() {
            let international_site = config.is_international_site(site);
            let used = client
                .resolve_credentials(&site.credentials)
                .await
                .map_err(|failure| failure.through_site(international_site))?;
            reports.push(CredentialReport {
                site: config.site_name(site),
                source: site.credentials.name(),
                used,
            });
        }
        Ok(reports)
    }

    /// Checks the config against the live account (read-only calls only).
    pub async fn doctor(&self, config_json: &str) -> Result<Vec<Check>, ConnectorFailure> {
        Ok(diagnosis::doctor_json(self.client()?, config_json).await)
    }

    /// The delivery receipts of `to` since `since` (Unix seconds), from every site.
    pub async fn delivery_status(
        &self,
        config_json: &str,
        to: &str,
        since: i64,
    ) -> Result<Vec<Receipt>, ConnectorFailure> {
        let client = self.client()?;
        let config = self.configs.get_or_validate(config_json)?;
        let to = normalize_e164(to).map_err(|e| {
            ConnectorFailure::new(
                ErrorCode::InvalidRequestParameters,
                format!("invalid phone number: {e}"),
            )
        })?;
        let now = client.clock().now_unix();
        diagnosis::delivery_receipts(client, &config, to.as_str(), since, now).await
    }

    /// Billed messages since `start_from` (Unix seconds; Logto's default when absent).
    pub async fn get_usage(
        &self,
        config_json: &str,
        start_from: Option<i64>,
    ) -> Result<u64, ConnectorFailure> {
        let client = self.client()?;
        let now = client.clock().now_unix();
        get_usage(
            client,
            &self.configs,
            &self.usage,
            config_json,
            start_from,
            now,
        )
        .await
    }
}
