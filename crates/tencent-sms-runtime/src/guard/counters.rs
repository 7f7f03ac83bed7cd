//! The guard's counters: fixed windows counted in this process, or in Redis when the config
//! names one, so that every Logto replica sees one combined limit.
//!
//! All of a send's counters go to Redis in one transaction under one deadline
//! ([`REDIS_TIMEOUT`] per send, however many rules count). When Redis cannot answer in time
//! (down, unreachable, silent, refusing TLS) the guard fails open **to this process's
//! counters**: the send is decided by the same limits counted locally, so a Redis outage
//! neither blocks every sign-in nor lifts the guard, and each replica still holds its own
//! share of the limits. The first failure of a streak is logged on stderr, so a Redis the
//! guard cannot use is never silent.
//!
//! Local counters are kept per rule, at most [`MAX_LOCAL_COUNTERS`] each. When a rule's are
//! full, expired windows go first, then the least-used counters of that rule: an attacker who
//! cycles number ranges or addresses to flood the store evicts only counters that are far from
//! their limit, never one that is exhausted, and never a counter of another rule. The daily
//! international cap has one counter per SMS app and day and is never evicted.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::stderr_lines::StderrLines;

use super::redis_store::{self, storage_key, Link, NotCounted};
use sha2::{Digest, Sha256};
use tencent_sms_core::guard::{CountedRule, Hit};
use tencent_sms_tc3::SecretKey;

/// How long a send's guard decision may take, waiting for Redis (connection included) before
/// it is made locally: one bound per send, not per rule, that also covers the decision's own
/// work (the first send of a process loads libphonenumber's data, about 80 ms of it).
pub(crate) const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// Local counters kept at most per rule before the least-used are evicted.
pub(crate) const MAX_LOCAL_COUNTERS: usize = 100_000;
/// The share of a full rule's counters evicted at once, so eviction is rare.
const EVICT_DIVISOR: usize = 4;

/// One rule's counters in this process: key → (window end, count).
#[derive(Default)]
struct LocalCounters {
    entries: HashMap<String, (i64, u64)>,
}

impl LocalCounters {
    /// Counts one send; `held` is what Redis holds for the same counter when it refused to
    /// count, so the count goes on from there.
    fn hit(&mut self, key: String, hit: &Hit, now: i64, capacity: usize, held: u64) -> u64 {
        if self.entries.len() >= capacity && !self.entries.contains_key(&key) {
            self.make_room(hit.rule, now, capacity);
        }
        let entry = self.entries.entry(key).or_insert((hit.window.ends_at, 0));
        entry.1 = entry.1.max(held) + 1;
        entry.1
    }

    /// Drops expired windows; then, for a rule that may evict, its least-used counters.
    fn make_room(&mut self, rule: CountedRule, now: i64, capacity: usize) {
        self.entries.retain(|_, (ends_at, _)| *ends_at > now);
        if !rule.evictable() || self.entries.len() < capacity {
            return;
        }
        let mut counts: Vec<u64> = self.entries.values().map(|(_, count)| *count).collect();
        let mut to_evict = (capacity / EVICT_DIVISOR).max(1);
        let (_, threshold, _) = counts.select_nth_unstable(to_evict - 1);
        let threshold = *threshold;
        self.entries.retain(|_, (_, count)| {
            if *count < threshold {
                to_evict = to_evict.saturating_sub(1);
                return false;
            }
            true
        });
        self.entries.retain(|_, (_, count)| {
            if *count == threshold && to_evict > 0 {
                to_evict -= 1;
                return false;
            }
            true
        });
    }
}

/// Counters for all guarded sends of this process.
pub(crate) struct Counters {
    local: [Mutex<LocalCounters>; CountedRule::COUNT],
    capacity: usize,
    redis: Mutex<HashMap<[u8; 32], Link>>,
    /// Redis URLs (hashed) whose last use failed: the failure was logged once.
    failing: Mutex<HashSet<[u8; 32]>>,
    /// Where those notices go, off the send's path.
    lines: Arc<StderrLines>,
}

impl Default for Counters {
    fn default() -> Self {
        Self::writing_to(Arc::default())
    }
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counters").finish_non_exhaustive()
    }
}

/// Where a count came from, so tests and the benchmark can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CountedIn {
    Process,
    Redis,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Counters {
    /// Counters whose notices go to `lines`.
    pub(crate) fn writing_to(lines: Arc<StderrLines>) -> Self {
        Self {
            local: Default::default(),
            capacity: MAX_LOCAL_COUNTERS,
            redis: Mutex::default(),
            failing: Mutex::default(),
            lines,
        }
    }

    /// Counters that keep at most `capacity` per rule.
    #[cfg(test)]
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// Counts one send under `hits` in order, up to the first one past its limit, and returns
    /// the counts made: in Redis when `redis_url` is set and answers in time, else in this
    /// process (from the counts Redis holds, when it answered but refused to count).
    pub(crate) async fn hit_all(
        &self,
        redis_url: Option<&SecretKey>,
        hits: &[Hit],
        now: i64,
        until: Instant,
    ) -> (Vec<u64>, CountedIn) {
        let held = match redis_url {
            Some(url) => match self.redis_hit_all(url, hits, now, until).await {
                Ok(counts) => return (counts, CountedIn::Redis),
                Err(held) => held,
            },
            None => Vec::new(),
        };
        let mut counts = Vec::with_capacity(hits.len());
        for (index, hit) in hits.iter().enumerate() {
            let mut local = lock(&self.local[hit.rule.slot()]);
            let held = held.get(index).copied().unwrap_or(0);
            let count = local.hit(storage_key(hit), hit, now, self.capacity, held);
            counts.push(count);
            if count > hit.max {
                break;
            }
        }
        (counts, CountedIn::Process)
    }

    /// The first of `hits` past its limit, if any; Redis is waited for until `until`.
    pub(crate) async fn exceeded<'h>(
        &self,
        redis_url: Option<&SecretKey>,
        hits: &'h [Hit],
        now: i64,
        until: Instant,
    ) -> Option<&'h Hit> {
        let (counts, _) = self.hit_all(redis_url, hits, now, until).await;
        hits.iter()
            .zip(counts)
            .find(|(hit, count)| *count > hit.max)
            .map(|(hit, _)| hit)
    }

    /// One round trip that counts every counter, connection included, by `until` (the end of
    /// the send's [`REDIS_TIMEOUT`]). `Err` (logged once per failure streak) carries the counts
    /// Redis holds when it answered but refused to count, else nothing.
    async fn redis_hit_all(
        &self,
        url: &SecretKey,
        hits: &[Hit],
        now: i64,
        until: Instant,
    ) -> Result<Vec<u64>, Vec<u64>> {
        let id: [u8; 32] = Sha256::digest(url.expose().as_bytes()).into();
        let attempt = async {
            let mut connection = self
                .connection(id, url)
                .await
                .map_err(|reason| NotCounted { reason, held: None })?;
            redis_store::count(&mut connection, hits, now).await
        };
        let outcome = tokio::time::timeout_at(until, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(NotCounted {
                    reason: format!(
                        "Redis did not answer within {} ms",
                        REDIS_TIMEOUT.as_millis()
                    ),
                    held: None,
                })
            });
        self.note_outcome(id, now, outcome.as_ref().err().map(|n| &n.reason));
        outcome.map_err(|not_counted| not_counted.held.unwrap_or_default())
    }

    /// Logs the first failure after a success (or ever), and the recovery after one.
    fn note_outcome(&self, id: [u8; 32], now: i64, failure: Option<&String>) {
        let mut failing = lock(&self.failing);
        let notice = match failure {
            Some(reason) if failing.insert(id) => format!(
                "connector-tencent-sms-rs: the SMS guard cannot use guard.redisUrl ({reason}); each Logto process counts its own sends until Redis answers again"
            ),
            None if failing.remove(&id) => "connector-tencent-sms-rs: the SMS guard reaches guard.redisUrl again; limits are shared again".to_owned(),
            _ => return,
        };
        self.lines
            .write(crate::send_log::timestamp(now * 1_000), notice);
    }

    /// The connection for `url`, made on first use; a failure is not remembered, so the next
    /// send tries again (within its own timeout).
    async fn connection(&self, id: [u8; 32], url: &SecretKey) -> Result<Link, String> {
        if let Some(connection) = lock(&self.redis).get(&id) {
            return Ok(connection.clone());
        }
        let connection = redis_store::connect(url).await?;
        lock(&self.redis).insert(id, connection.clone());
        Ok(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tencent_sms_core::guard::Window;

    /// The end of a send's bound, were it to start now.
    fn bound() -> Instant {
        Instant::now() + REDIS_TIMEOUT
    }

    fn hit(rule: CountedRule, key: &str, window: Window) -> Hit {
        Hit {
            rule,
            scope: None,
            key: key.to_owned(),
            window,
            max: u64::MAX,
        }
    }

    async fn count(counters: &Counters, rule: CountedRule, key: &str, now: i64) -> u64 {
        let window = Window::containing(now, 60, 0);
        counters
            .hit_all(None, &[hit(rule, key, window)], now, bound())
            .await
            .0[0]
    }

    #[tokio::test]
    async fn local_counts_restart_with_each_window() {
        let counters = Counters::default();
        let ip = CountedRule::PerIp;
        assert_eq!(count(&counters, ip, "ip:1", 0).await, 1);
        assert_eq!(count(&counters, ip, "ip:1", 1).await, 2);
        assert_eq!(count(&counters, ip, "ip:2", 1).await, 1);
        assert_eq!(count(&counters, ip, "ip:1", 60).await, 1);
    }

    #[tokio::test]
    async fn a_full_rule_evicts_its_least_used_counters_and_no_other_rules() {
        let counters = Counters::with_capacity(100);
        let (ip, prefix) = (CountedRule::PerIp, CountedRule::PerPrefix);
        for _ in 0..5 {
            count(&counters, prefix, "exhausted", 0).await;
            count(&counters, ip, "other-rule", 0).await;
        }
        for n in 0..1_000 {
            count(&counters, prefix, &format!("range:{n}"), 0).await;
        }
        assert_eq!(count(&counters, prefix, "exhausted", 0).await, 6);
        assert_eq!(count(&counters, ip, "other-rule", 0).await, 6);
        assert!(lock(&counters.local[prefix.slot()]).entries.len() <= 100);
    }

    #[tokio::test]
    async fn the_daily_cap_is_never_evicted() {
        let counters = Counters::with_capacity(10);
        let daily = CountedRule::InternationalDaily;
        for n in 0..100 {
            count(&counters, daily, &format!("app:{n}"), 0).await;
        }
        assert_eq!(count(&counters, daily, "app:0", 0).await, 2);
    }

    #[tokio::test]
    async fn an_unreachable_redis_falls_back_to_this_process_in_bounded_time() {
        let counters = Counters::default();
        let refused = crate::testing::RefusedPort::reserve();
        let url = SecretKey::new(format!("redis://127.0.0.1:{}", refused.port));
        let started = std::time::Instant::now();
        let window = Window::containing(0, 60, 0);
        let hits = [hit(CountedRule::PerIp, "ip:1", window)];
        assert_eq!(
            counters.hit_all(Some(&url), &hits, 0, bound()).await,
            (vec![1], CountedIn::Process)
        );
        assert!(started.elapsed() < REDIS_TIMEOUT * 4);
    }

    #[tokio::test]
    async fn a_silent_redis_costs_one_timeout_per_send_whatever_the_number_of_rules() {
        // Accepts connections and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        let counters = Counters::default();
        let url = SecretKey::new(format!("redis://127.0.0.1:{port}"));
        let window = Window::containing(0, 60, 0);
        let hits = [
            hit(CountedRule::PerIp, "ip", window),
            hit(CountedRule::PerPrefix, "prefix", window),
            hit(CountedRule::InternationalDaily, "daily", window),
        ];
        let started = std::time::Instant::now();
        let (counts, counted_in) = counters.hit_all(Some(&url), &hits, 0, bound()).await;
        let waited = started.elapsed();
        assert_eq!((counts, counted_in), (vec![1, 1, 1], CountedIn::Process));
        assert!(
            waited < REDIS_TIMEOUT * 2,
            "waited {waited:?} for three rules"
        );
        held.abort();
    }
}
