//! The emulator's memory: inbox, refused requests, pending faults, per-number send times,
//! counters, and a signal to the live inbox page whenever the inbox or the refusals change.
//!
//! Every collection is bounded, so an emulator left running for weeks beside a Logto dev
//! setup stays flat: the oldest entries go first.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::faults::{Fault, FaultSpec};
use crate::inbox::DeliveredMessage;
use crate::options::{Credential, EmulatedRole, EmulatorOptions};
use crate::refusals::Refusal;

/// Delivered messages kept for the inbox; the oldest are dropped beyond this.
pub const MAX_INBOX_MESSAGES: usize = 1_000;
/// Refused API requests kept for the inbox page; the oldest are dropped beyond this.
pub const MAX_REFUSALS: usize = 200;
/// SendSms requests remembered for SendStatusStatistics, across all apps.
pub const MAX_LEDGER_ENTRIES: usize = 100_000;
/// Numbers remembered for the frequency limit; beyond this, the ones whose limit has
/// passed are forgotten, and if that is not enough, all of them.
pub const MAX_REMEMBERED_NUMBERS: usize = 100_000;

/// One SendSms request's billing, for SendStatusStatistics.
#[derive(Debug, Clone, Copy)]
pub struct LedgerEntry {
    pub at: i64,
    pub requested: u64,
    pub succeeded: u64,
    pub fee: u64,
}

#[derive(Debug, Default)]
struct Inner {
    inbox: VecDeque<DeliveredMessage>,
    refusals: VecDeque<Refusal>,
    /// In arrival order, so the oldest entry is the first to go.
    ledger: VecDeque<(String, LedgerEntry)>,
    /// Each fault with how many more requests get it: a count, not copies, so a large
    /// `count` costs nothing.
    faults: VecDeque<(Fault, u32)>,
    last_sent: HashMap<String, Instant>,
    /// Temporary credentials handed out for roles, newest last.
    issued: VecDeque<Credential>,
}

/// Temporary credentials remembered at most: the oldest are forgotten (and then refused).
pub(crate) const MAX_ISSUED_CREDENTIALS: usize = 1_000;

/// Everything the emulator remembers, shared by its connections and its owner.
#[derive(Debug)]
pub struct EmulatorState {
    /// The options it was started with.
    pub options: EmulatorOptions,
    inner: Mutex<Inner>,
    api_requests: AtomicU64,
    credential_requests: AtomicU64,
    /// Ticks on every change to the inbox or the refusals; the live page listens.
    changes: tokio::sync::watch::Sender<u64>,
}

impl EmulatorState {
    /// Empty memory for an emulator with `options`.
    pub fn new(options: EmulatorOptions) -> Self {
        Self {
            options,
            inner: Mutex::default(),
            api_requests: AtomicU64::new(0),
            credential_requests: AtomicU64::new(0),
            changes: tokio::sync::watch::Sender::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the inbox half-written; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts an API request and hands out the fault queued for it, if any.
    pub fn next_api_request(&self) -> Option<Fault> {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.lock();
        let (fault, left) = inner.faults.front_mut()?;
        *left -= 1;
        if *left > 0 {
            return Some(fault.clone());
        }
        inner.faults.pop_front().map(|(fault, _)| fault)
    }

    /// How many API requests arrived (faulted ones included).
    pub fn api_requests(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }

    /// Queues `spec` after the faults already queued; refuses a spec out of bounds.
    pub fn inject(&self, spec: FaultSpec) -> Result<(), String> {
        spec.validate()?;
        self.lock().faults.push_back((spec.fault, spec.count));
        Ok(())
    }

    /// The credential whose SecretId is `secret_id`: configured, or issued for a role.
    pub fn credential(&self, secret_id: &str) -> Option<Credential> {
        let configured = self
            .options
            .credentials
            .iter()
            .find(|c| c.secret_id == secret_id);
        configured.cloned().or_else(|| {
            self.lock()
                .issued
                .iter()
                .find(|c| c.secret_id == secret_id)
                .cloned()
        })
    }

    /// New temporary credentials for `role`, valid from `now` for its lifetime; counted.
    pub fn issue(&self, role: &EmulatedRole, now: i64) -> Credential {
        self.credential_requests.fetch_add(1, Ordering::Relaxed);
        let credential = Credential {
            secret_id: format!("AKIDtmp{:016x}", self.random_u64()),
            secret_key: format!("{:016x}{:016x}", self.random_u64(), self.random_u64()),
            token: Some(format!(
                "tmp-token-{:016x}{:016x}",
                self.random_u64(),
                self.random_u64()
            )),
            expires_at: Some(now.saturating_add(role.lifetime_seconds as i64)),
        };
        let mut inner = self.lock();
        if inner.issued.len() == MAX_ISSUED_CREDENTIALS {
            inner.issued.pop_front();
        }
        inner.issued.push_back(credential.clone());
        credential
    }

    /// Revokes every temporary credential issued so far, as deleting a role's session does:
    /// requests signed with them are refused from now on.
    pub fn revoke_issued(&self) {
        self.lock().issued.clear();
    }

    /// How many temporary credentials were asked for (metadata service and STS).
    pub fn credential_requests(&self) -> u64 {
        self.credential_requests.load(Ordering::Relaxed)
    }

    /// The delivered messages, oldest first.
    pub fn messages(&self) -> Vec<DeliveredMessage> {
        self.lock().inbox.iter().cloned().collect()
    }

    /// The refused API requests, oldest first.
    pub fn refusals(&self) -> Vec<Refusal> {
        self.lock().refusals.iter().cloned().collect()
    }

    /// Remembers refused requests, dropping the oldest beyond [`MAX_REFUSALS`].
    pub fn refuse(&self, refusals: Vec<Refusal>) {
        if refusals.is_empty() {
            return;
        }
        let mut inner = self.lock();
        for refusal in refusals {
            if inner.refusals.len() == MAX_REFUSALS {
                inner.refusals.pop_front();
            }
            inner.refusals.push_back(refusal);
        }
        drop(inner);
        self.changed();
    }

    /// A receiver that sees every later change to the inbox or the refusals.
    pub fn watch_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn changed(&self) {
        self.changes
            .send_modify(|tick| *tick = tick.wrapping_add(1));
    }

    /// Records a SendSms request's counts for the app.
    pub fn record(&self, sdk_app_id: &str, entry: LedgerEntry) {
        let mut inner = self.lock();
        if inner.ledger.len() == MAX_LEDGER_ENTRIES {
            inner.ledger.pop_front();
        }
        inner.ledger.push_back((sdk_app_id.to_owned(), entry));
    }

    /// Sums `(requested, succeeded, fee)` for the app over `from..until` (Unix seconds).
    pub fn statistics(&self, sdk_app_id: &str, from: i64, until: i64) -> (u64, u64, u64) {
        self.lock()
            .ledger
            .iter()
            .filter(|(app, e)| app == sdk_app_id && (from..until).contains(&e.at))
            .fold((0, 0, 0), |(r, s, f), (_, e)| {
                (r + e.requested, s + e.succeeded, f + e.fee)
            })
    }

    /// Empties the inbox, the refusals, the send statistics, the fault queue and the
    /// frequency-limit memory.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.inbox.clear();
        inner.refusals.clear();
        inner.ledger.clear();
        inner.faults.clear();
        inner.last_sent.clear();
        drop(inner);
        self.changed();
    }

    /// Records a send to `number` unless the frequency limit forbids it.
    pub fn admit_send(&self, number: &str) -> bool {
        let limit = self.options.frequency_limit_seconds;
        if limit == 0 {
            return true;
        }
        let mut inner = self.lock();
        let now = Instant::now();
        let limited = |last: &Instant| now.duration_since(*last).as_secs() < limit;
        if inner.last_sent.get(number).is_some_and(limited) {
            return false;
        }
        if inner.last_sent.len() >= MAX_REMEMBERED_NUMBERS {
            inner.last_sent.retain(|_, last| limited(last));
            if inner.last_sent.len() >= MAX_REMEMBERED_NUMBERS {
                inner.last_sent.clear();
            }
        }
        inner.last_sent.insert(number.to_owned(), now);
        true
    }

    /// Puts a message in the inbox, dropping the oldest beyond [`MAX_INBOX_MESSAGES`].
    pub fn deliver(&self, message: DeliveredMessage) {
        let mut inner = self.lock();
        if inner.inbox.len() == MAX_INBOX_MESSAGES {
            inner.inbox.pop_front();
        }
        inner.inbox.push_back(message);
        drop(inner);
        self.changed();
    }

    fn random_u64(&self) -> u64 {
        fastrand::u64(..)
    }

    /// A fresh UUID-shaped RequestId, as Tencent returns.
    pub fn request_id(&self) -> String {
        let (a, b) = (self.random_u64(), self.random_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }

    /// A SerialNo in Tencent's `<node>:<digits>` shape.
    pub fn serial_no(&self) -> String {
        format!("2433:{:020}", self.random_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: usize) -> DeliveredMessage {
        DeliveredMessage {
            phone_number: format!("+86137{n:08}"),
            iso_code: "CN".into(),
            sdk_app_id: "1400000000".into(),
            sign_name: None,
            template_id: "1".into(),
            params: vec![],
            content: String::new(),
            request_id: String::new(),
            serial_no: String::new(),
            received_at: String::new(),
            delivery: crate::inbox::Delivery::delivered(),
        }
    }

    fn entry(at: i64) -> LedgerEntry {
        LedgerEntry {
            at,
            requested: 1,
            succeeded: 1,
            fee: 1,
        }
    }

    #[test]
    fn the_inbox_keeps_the_newest_messages() {
        let state = EmulatorState::new(EmulatorOptions::default());
        for n in 0..MAX_INBOX_MESSAGES + 5 {
            state.deliver(message(n));
        }
        let messages = state.messages();
        assert_eq!(messages.len(), MAX_INBOX_MESSAGES);
        assert_eq!(messages[0], message(5));
        assert_eq!(
            messages[MAX_INBOX_MESSAGES - 1],
            message(MAX_INBOX_MESSAGES + 4)
        );
    }

    #[test]
    fn the_ledger_forgets_the_oldest_requests() {
        let state = EmulatorState::new(EmulatorOptions::default());
        for at in 0..MAX_LEDGER_ENTRIES as i64 + 10 {
            state.record("1400000000", entry(at));
        }
        state.record("1400000001", entry(0));
        assert_eq!(state.lock().ledger.len(), MAX_LEDGER_ENTRIES);
        assert_eq!(state.statistics("1400000000", 0, 11), (0, 0, 0));
        assert_eq!(
            state.statistics("1400000000", 0, i64::MAX).0,
            MAX_LEDGER_ENTRIES as u64 - 1
        );
        assert_eq!(state.statistics("1400000001", 0, 1), (1, 1, 1));
    }

    #[test]
    fn the_frequency_limit_remembers_a_bounded_number_of_numbers() {
        let state = EmulatorState::new(EmulatorOptions::default());
        for n in 0..MAX_REMEMBERED_NUMBERS {
            assert!(state.admit_send(&format!("+86137{n:08}")));
        }
        assert!(!state.admit_send("+8613700000000"), "still limited");
        // All are within their limit, so making room forgets them all rather than growing.
        assert!(state.admit_send("+8613799999999"));
        assert_eq!(state.lock().last_sent.len(), 1);
    }

    #[test]
    fn without_a_frequency_limit_nothing_is_remembered() {
        let state = EmulatorState::new(EmulatorOptions {
            frequency_limit_seconds: 0,
            ..EmulatorOptions::default()
        });
        assert!(state.admit_send("+8613700000000"));
        assert!(state.admit_send("+8613700000000"));
        assert!(state.lock().last_sent.is_empty());
    }
}
