//! The emulator's memory: inbox, pending faults, per-number send times, counters.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::faults::{Fault, FaultSpec};
use crate::inbox::DeliveredMessage;
use crate::options::EmulatorOptions;

/// One SendSms request's billing, for SendStatusStatistics.
#[derive(Debug, Clone, Copy)]
pub struct LedgerEntry {
    pub at: i64,
    pub requested: u64,
    pub succeeded: u64,
    pub fee: u64,
}

#[derive(Default)]
struct Inner {
    inbox: Vec<DeliveredMessage>,
    ledger: HashMap<String, Vec<LedgerEntry>>,
    /// Each fault with how many more requests get it: a count, not copies, so a large
    /// `count` costs nothing.
    faults: VecDeque<(Fault, u32)>,
    last_sent: HashMap<String, Instant>,
}

pub struct EmulatorState {
    pub options: EmulatorOptions,
    inner: Mutex<Inner>,
    api_requests: AtomicU64,
    ids: AtomicU64,
    random: RandomState,
}

impl EmulatorState {
    pub fn new(options: EmulatorOptions) -> Self {
        Self {
            options,
            inner: Mutex::default(),
            api_requests: AtomicU64::new(0),
            ids: AtomicU64::new(0),
            random: RandomState::new(),
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

    pub fn api_requests(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }

    /// Queues `spec` after the faults already queued; refuses a spec out of bounds.
    pub fn inject(&self, spec: FaultSpec) -> Result<(), String> {
        spec.validate()?;
        self.lock().faults.push_back((spec.fault, spec.count));
        Ok(())
    }

    pub fn messages(&self) -> Vec<DeliveredMessage> {
        self.lock().inbox.clone()
    }

    /// Records a SendSms request's counts for the app.
    pub fn record(&self, sdk_app_id: &str, entry: LedgerEntry) {
        self.lock()
            .ledger
            .entry(sdk_app_id.to_owned())
            .or_default()
            .push(entry);
    }

    /// Sums `(requested, succeeded, fee)` for the app over `from..until` (Unix seconds).
    pub fn statistics(&self, sdk_app_id: &str, from: i64, until: i64) -> (u64, u64, u64) {
        self.lock()
            .ledger
            .get(sdk_app_id)
            .into_iter()
            .flatten()
            .filter(|e| (from..until).contains(&e.at))
            .fold((0, 0, 0), |(r, s, f), e| {
                (r + e.requested, s + e.succeeded, f + e.fee)
            })
    }

    /// Empties the inbox, the send statistics, the fault queue and the frequency-limit memory.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.inbox.clear();
        inner.ledger.clear();
        inner.faults.clear();
        inner.last_sent.clear();
    }

    /// Records a send to `number` unless the frequency limit forbids it.
    pub fn admit_send(&self, number: &str) -> bool {
        let limit = self.options.frequency_limit_seconds;
        let mut inner = self.lock();
        let now = Instant::now();
        if limit > 0 {
            if let Some(last) = inner.last_sent.get(number) {
                if now.duration_since(*last).as_secs() < limit {
                    return false;
                }
            }
        }
        inner.last_sent.insert(number.to_owned(), now);
        true
    }

    pub fn deliver(&self, message: DeliveredMessage) {
        self.lock().inbox.push(message);
    }

    fn random_u64(&self) -> u64 {
        let mut hasher = self.random.build_hasher();
        hasher.write_u64(self.ids.fetch_add(1, Ordering::Relaxed));
        hasher.finish()
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
        format!(
            "2433:{:020}",
            self.random_u64() % 100_000_000_000_000_000_000u128 as u64
        )
    }
}
