//! The guard's counters: fixed windows counted in this process, or in Redis when the config
//! names one, so that every Logto replica sees one combined limit.
//!
//! Redis is asked with a bounded timeout. When it cannot answer in time (down, unreachable,
//! overloaded) the guard fails open **to this process's counters**: the send is decided by the
//! same limits counted locally, so a Redis outage neither blocks every sign-in nor lifts the
//! guard, and each replica still holds its own share of the limits.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use redis::aio::ConnectionManager;
use sha2::{Digest, Sha256};
use tencent_sms_tc3::SecretKey;

/// How long a decision may wait for Redis before it is made locally.
pub(crate) const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// Local counters kept at most; expired ones go first.
const MAX_LOCAL_COUNTERS: usize = 100_000;

/// One fixed window: which one, and how long its counter must live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) index: i64,
    pub(crate) ends_at: i64,
}

impl Window {
    /// The window of `seconds` that `now` falls in, aligned to `offset` seconds after the epoch
    /// (8 hours for Beijing days).
    pub(crate) fn containing(now: i64, seconds: u64, offset: i64) -> Self {
        let seconds = seconds.max(1) as i64;
        let index = (now + offset).div_euclid(seconds);
        Self {
            index,
            ends_at: (index + 1) * seconds - offset,
        }
    }
}

/// Counters for all guarded sends of this process.
#[derive(Default)]
pub(crate) struct Counters {
    local: Mutex<HashMap<String, (i64, u64)>>,
    redis: Mutex<HashMap<[u8; 32], ConnectionManager>>,
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

impl Counters {
    /// Counts one send under `key` in `window` and returns the count, in Redis when
    /// `redis_url` is set and answers in time, else in this process.
    pub(crate) async fn hit(
        &self,
        redis_url: Option<&SecretKey>,
        key: &str,
        window: Window,
        now: i64,
    ) -> (u64, CountedIn) {
        let key = format!("tencent-sms-guard:{key}:{}", window.index);
        if let Some(url) = redis_url {
            if let Some(count) = self.redis_hit(url, &key, window, now).await {
                return (count, CountedIn::Redis);
            }
        }
        (self.local_hit(key, window, now), CountedIn::Process)
    }

    fn local_hit(&self, key: String, window: Window, now: i64) -> u64 {
        let mut local = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if local.len() >= MAX_LOCAL_COUNTERS && !local.contains_key(&key) {
            local.retain(|_, (ends_at, _)| *ends_at > now);
            if local.len() >= MAX_LOCAL_COUNTERS {
                local.clear();
            }
        }
        let entry = local.entry(key).or_insert((window.ends_at, 0));
        entry.1 += 1;
        entry.1
    }

    /// `INCR` and `EXPIRE` in one transaction; `None` when Redis does not answer in time.
    async fn redis_hit(&self, url: &SecretKey, key: &str, window: Window, now: i64) -> Option<u64> {
        let ttl = (window.ends_at - now).max(1) + 1;
        let attempt = async {
            let mut connection = self.connection(url).await?;
            let (count, _): (u64, bool) = redis::pipe()
                .atomic()
                .incr(key, 1u64)
                .expire(key, ttl)
                .query_async(&mut connection)
                .await
                .ok()?;
            Some(count)
        };
        tokio::time::timeout(REDIS_TIMEOUT, attempt)
            .await
            .ok()
            .flatten()
    }

    /// The connection for `url`, made on first use; a failure is not remembered, so the next
    /// send tries again (within its own timeout).
    async fn connection(&self, url: &SecretKey) -> Option<ConnectionManager> {
        let id: [u8; 32] = Sha256::digest(url.expose().as_bytes()).into();
        if let Some(connection) = self
            .redis
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
        {
            return Some(connection.clone());
        }
        let client = redis::Client::open(url.expose()).ok()?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let connection = client
            .get_connection_manager_with_config(config)
            .await
            .ok()?;
        self.redis
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, connection.clone());
        Some(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_beijing_days_start_at_beijing_midnight() {
        let w = Window::containing(125, 60, 0);
        assert_eq!((w.index, w.ends_at), (2, 180));
        // 2024-05-01 15:59:59 UTC is 23:59:59 in Beijing; a second later is the next day.
        let before = Window::containing(1_714_579_199, 86_400, 8 * 3_600);
        let after = Window::containing(1_714_579_200, 86_400, 8 * 3_600);
        assert_eq!(after.index, before.index + 1);
        assert_eq!(before.ends_at, 1_714_579_200);
    }

    #[tokio::test]
    async fn local_counts_restart_with_each_window() {
        let counters = Counters::default();
        let w1 = Window::containing(0, 60, 0);
        let w2 = Window::containing(60, 60, 0);
        assert_eq!(
            counters.hit(None, "ip:1", w1, 0).await,
            (1, CountedIn::Process)
        );
        assert_eq!(counters.hit(None, "ip:1", w1, 1).await.0, 2);
        assert_eq!(counters.hit(None, "ip:2", w1, 1).await.0, 1);
        assert_eq!(counters.hit(None, "ip:1", w2, 60).await.0, 1);
    }

    #[tokio::test]
    async fn an_unreachable_redis_falls_back_to_this_process_in_bounded_time() {
        let counters = Counters::default();
        // A port nothing listens on.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let url = SecretKey::new(format!("redis://127.0.0.1:{port}"));
        let started = std::time::Instant::now();
        let window = Window::containing(0, 60, 0);
        assert_eq!(
            counters.hit(Some(&url), "ip:1", window, 0).await,
            (1, CountedIn::Process)
        );
        assert!(started.elapsed() < REDIS_TIMEOUT * 4);
    }
}
