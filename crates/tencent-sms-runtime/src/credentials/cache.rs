//! Keys per source, kept until shortly before they expire.
//!
//! Temporary credentials (CVM role, OIDC role, or a session token in the environment) are
//! refreshed ahead of expiry: 5 minutes before, as Tencent's SDKs do, or at nine tenths of a
//! shorter lifetime. One refresh runs at a time however many sends need keys: while keys are
//! still valid, the other sends use them and do not wait; only a send that has no valid keys
//! waits for the refresh, and then takes its outcome (keys, even ones that arrived already
//! expired, or its failure) rather than fetching again. A refresh that fails keeps the keys
//! while they are valid (and is tried again 10 s later, not by every send); once they have
//! expired, sends fail at once with what was tried, for 2 s before the next fetch. Keys
//! Tencent refuses are dropped (`forget`), so revoked temporary keys are replaced at once. Long-term keys from the environment or a profile file are read again
//! every 5 minutes, so a rotated key is picked up without a restart.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tencent_sms_core::{CredentialSource, SigningKeys};

/// How long before expiry temporary keys are refreshed (Tencent's SDKs: 300 s).
pub(crate) const REFRESH_AHEAD_SECONDS: i64 = 300;
/// How often long-term keys from a file or the environment are read again.
pub(crate) const RELOAD_SECONDS: i64 = 300;
/// How long after a failed refresh the still-valid keys are used without trying again.
pub(crate) const RETRY_AFTER_FAILURE_SECONDS: i64 = 10;
/// How long a failed fetch's reason answers the sends that have no valid keys, without a
/// fetch of their own: a metadata service that does not answer costs one timeout, not one
/// per waiting send.
pub(crate) const FAILURE_SHARED_SECONDS: i64 = 2;
/// Sources kept at most; a deployment has one or two.
const MAX_SOURCES: usize = 16;

/// What a source gave: the keys, when they expire (`None`: long-term), and which source
/// gave them (the chain's choice).
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub(crate) keys: SigningKeys,
    pub(crate) expires_at: Option<i64>,
    pub(crate) used: &'static str,
}

/// Keys in use: shared by every send until refreshed.
#[derive(Debug, Clone)]
pub(crate) struct Current {
    pub(crate) keys: Arc<SigningKeys>,
    pub(crate) used: &'static str,
    refresh_at: i64,
    expires_at: i64,
}

impl Current {
    fn from(fetched: Fetched, now: i64) -> Self {
        let (refresh_at, expires_at) = match fetched.expires_at {
            None => (now + RELOAD_SECONDS, i64::MAX),
            Some(expires_at) => {
                let ahead = REFRESH_AHEAD_SECONDS.min((expires_at - now).max(0) / 10);
                (expires_at - ahead, expires_at)
            }
        };
        Self {
            keys: Arc::new(fetched.keys),
            used: fetched.used,
            refresh_at,
            expires_at,
        }
    }
}

#[derive(Debug, Default)]
struct Entry {
    current: Mutex<Option<Current>>,
    /// The last fetch's failure and when it happened; `None` after a success.
    failure: Mutex<Option<(i64, String)>>,
    /// Fetches finished so far: a send that waited for the refresh lock and sees this moved
    /// takes that fetch's outcome instead of starting another.
    fetches: AtomicU64,
    refreshing: tokio::sync::Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Entry {
    fn current(&self) -> Option<Current> {
        lock(&self.current).clone()
    }

    fn failure(&self) -> Option<(i64, String)> {
        lock(&self.failure).clone()
    }

    /// The outcome of the fetch that finished while a send waited: its keys (even if they
    /// arrived already expired: Tencent is the judge), or its failure, with `valid` keys kept.
    fn outcome_of_last_fetch(&self, valid: Option<Current>) -> Result<Current, String> {
        match self.failure() {
            Some((_, why)) => valid.ok_or(why),
            None => self
                .current()
                .ok_or_else(|| "the keys were dropped while this send waited".to_owned()),
        }
    }
}

/// Keys of every source this process signs with.
#[derive(Debug, Default)]
pub(crate) struct CredentialCache {
    entries: Mutex<HashMap<CredentialSource, Arc<Entry>>>,
}

impl CredentialCache {
    fn entry(&self, source: &CredentialSource) -> Arc<Entry> {
        let mut entries = lock(&self.entries);
        if entries.len() >= MAX_SOURCES && !entries.contains_key(source) {
            entries.clear();
        }
        entries.entry(source.clone()).or_default().clone()
    }

    /// Keys of `source` at `now()`: cached, or from `fetch`. One fetch runs at a time, and its
    /// outcome is every waiting send's: its keys, or its failure, which later sends also get
    /// for [`FAILURE_SHARED_SECONDS`] while no valid keys remain. `Err` says why there are
    /// none.
    pub(crate) async fn keys<F, Fut>(
        &self,
        source: &CredentialSource,
        now: impl Fn() -> i64,
        fetch: F,
    ) -> Result<Current, String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, String>>,
    {
        let entry = self.entry(source);
        let fresh = |current: &Option<Current>, now: i64| {
            current.clone().filter(|current| now < current.refresh_at)
        };
        let current = entry.current();
        if let Some(current) = fresh(&current, now()) {
            return Ok(current);
        }
        let valid = current.filter(|current| now() < current.expires_at);
        let fetches_seen = entry.fetches.load(Ordering::Acquire);
        let _refreshing = match &valid {
            // Another send is refreshing: these keys are still good.
            Some(valid) => match entry.refreshing.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(valid.clone()),
            },
            None => entry.refreshing.lock().await,
        };
        if entry.fetches.load(Ordering::Acquire) != fetches_seen {
            return entry.outcome_of_last_fetch(valid);
        }
        let current = entry.current();
        if let Some(current) = fresh(&current, now()) {
            return Ok(current);
        }
        let valid = current.filter(|current| now() < current.expires_at);
        if let Some((failed_at, why)) = entry.failure() {
            match &valid {
                Some(valid) if now() < failed_at + RETRY_AFTER_FAILURE_SECONDS => {
                    return Ok(valid.clone())
                }
                None if now() < failed_at + FAILURE_SHARED_SECONDS => return Err(why),
                _ => {}
            }
        }
        let fetched = fetch().await;
        let outcome = match fetched {
            Ok(fetched) => {
                let current = Current::from(fetched, now());
                *lock(&entry.current) = Some(current.clone());
                *lock(&entry.failure) = None;
                Ok(current)
            }
            Err(why) => {
                *lock(&entry.failure) = Some((now(), why.clone()));
                valid.ok_or(why)
            }
        };
        entry.fetches.fetch_add(1, Ordering::Release);
        outcome
    }

    /// Drops `keys` of `source`, which Tencent refused (revoked temporary keys), so the next
    /// send fetches new ones; keys another send already replaced are left alone.
    pub(crate) fn forget(&self, source: &CredentialSource, keys: &Arc<SigningKeys>) {
        let entry = self.entry(source);
        let mut current = lock(&entry.current);
        if current
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(&current.keys, keys))
        {
            *current = None;
            *lock(&entry.failure) = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
    use tencent_sms_tc3::SecretKey;

    fn temporary(id: &str, expires_at: i64) -> Fetched {
        Fetched {
            keys: SigningKeys {
                secret_id: id.to_owned(),
                secret_key: SecretKey::new(format!("{id}-key")),
                token: Some(SecretKey::new(format!("{id}-token"))),
            },
            expires_at: Some(expires_at),
            used: "cvmRole",
        }
    }

    const SOURCE: CredentialSource = CredentialSource::OidcRole;

    #[tokio::test]
    async fn temporary_keys_are_kept_until_shortly_before_expiry() {
        let cache = CredentialCache::default();
        let clock = AtomicI64::new(0);
        let fetches = AtomicUsize::new(0);
        let get = || async {
            let now = || clock.load(Ordering::SeqCst);
            cache
                .keys(&SOURCE, now, || async {
                    let n = fetches.fetch_add(1, Ordering::SeqCst);
                    Ok(temporary(&format!("tmp{n}"), now() + 7_200))
                })
                .await
                .unwrap()
                .keys
                .secret_id
                .clone()
        };
        assert_eq!(get().await, "tmp0");
        clock.store(7_200 - 301, Ordering::SeqCst);
        assert_eq!(get().await, "tmp0", "still fresh");
        clock.store(7_200 - 300, Ordering::SeqCst);
        assert_eq!(get().await, "tmp1", "refreshed 300 s ahead");
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_short_lifetime_is_refreshed_at_nine_tenths() {
        let cache = CredentialCache::default();
        let current = cache
            .keys(&SOURCE, || 0, || async { Ok(temporary("a", 60)) })
            .await
            .unwrap();
        assert_eq!((current.refresh_at, current.expires_at), (54, 60));
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_valid_keys_then_says_why_once_they_expire() {
        let cache = CredentialCache::default();
        let first = cache
            .keys(&SOURCE, || 0, || async { Ok(temporary("a", 100)) })
            .await
            .unwrap();
        assert_eq!(first.keys.secret_id, "a");
        let failing = || async { Err("the metadata service is gone".to_owned()) };
        let kept = cache.keys(&SOURCE, || 95, failing).await.unwrap();
        assert_eq!(kept.keys.secret_id, "a", "valid until 100");
        let mut tried = false;
        let again = cache
            .keys(
                &SOURCE,
                || 96,
                || {
                    tried = true;
                    failing()
                },
            )
            .await
            .unwrap();
        assert_eq!(again.keys.secret_id, "a");
        assert!(!tried, "not tried again within 10 s");
        let expired = cache.keys(&SOURCE, || 100, failing).await.unwrap_err();
        assert_eq!(expired, "the metadata service is gone");
    }

    #[tokio::test]
    async fn one_refresh_however_many_sends_wait() {
        let cache = Arc::new(CredentialCache::default());
        let fetches = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let sends: Vec<_> = (0..200)
            .map(|_| {
                let (cache, fetches, gate) = (cache.clone(), fetches.clone(), gate.clone());
                tokio::spawn(async move {
                    cache
                        .keys(
                            &SOURCE,
                            || 0,
                            || async move {
                                fetches.fetch_add(1, Ordering::SeqCst);
                                gate.notified().await;
                                Ok(temporary("a", 7_200))
                            },
                        )
                        .await
                        .map(|current| current.keys.secret_id.clone())
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        gate.notify_one();
        for send in sends {
            assert_eq!(send.await.unwrap().unwrap(), "a");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    /// 50 sends wait on `fetch` (released once they all wait); how many fetches ran, and
    /// each send's outcome.
    async fn fifty_waiting<F, Fut>(fetch: F) -> (usize, Vec<Result<String, String>>)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Fetched, String>> + Send,
    {
        let cache = Arc::new(CredentialCache::default());
        let fetch = Arc::new(fetch);
        let fetches = Arc::new(AtomicUsize::new(0));
        let sends: Vec<_> = (0..50)
            .map(|_| {
                let (cache, fetch, fetches) = (cache.clone(), fetch.clone(), fetches.clone());
                tokio::spawn(async move {
                    cache
                        .keys(
                            &SOURCE,
                            || 1_000,
                            || {
                                fetches.fetch_add(1, Ordering::SeqCst);
                                fetch()
                            },
                        )
                        .await
                        .map(|current| current.keys.secret_id.clone())
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for send in sends {
            outcomes.push(send.await.unwrap());
        }
        (fetches.load(Ordering::SeqCst), outcomes)
    }

    #[tokio::test(start_paused = true)]
    async fn keys_that_arrive_already_expired_are_fetched_once_for_every_waiting_send() {
        let (fetches, outcomes) = fifty_waiting(|| async {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            Ok(temporary("stale", 999))
        })
        .await;
        assert_eq!(fetches, 1);
        assert!(outcomes.iter().all(|o| o.as_deref() == Ok("stale")));
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_metadata_service_is_asked_once_and_its_failure_answers_every_waiting_send() {
        let started = tokio::time::Instant::now();
        let (fetches, outcomes) = fifty_waiting(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            Err("it did not answer in time".to_owned())
        })
        .await;
        assert_eq!(fetches, 1);
        assert!(outcomes
            .iter()
            .all(|o| o.as_ref().unwrap_err() == "it did not answer in time"));
        assert_eq!(started.elapsed().as_secs(), 2, "all end with the one fetch");
    }

    #[tokio::test]
    async fn a_failure_is_shared_briefly_then_fetched_again() {
        let cache = CredentialCache::default();
        let failing = || async { Err("no metadata service".to_owned()) };
        assert!(cache.keys(&SOURCE, || 0, failing).await.is_err());
        let mut tried = false;
        let shared = cache
            .keys(
                &SOURCE,
                || 1,
                || {
                    tried = true;
                    failing()
                },
            )
            .await;
        assert_eq!(shared.unwrap_err(), "no metadata service");
        assert!(!tried, "within 2 s the failure is shared");
        let again = cache
            .keys(&SOURCE, || 2, || async { Ok(temporary("b", 7_200)) })
            .await;
        assert_eq!(again.unwrap().keys.secret_id, "b");
    }

    #[tokio::test]
    async fn refused_keys_are_forgotten_once_and_replaced() {
        let cache = CredentialCache::default();
        let first = cache
            .keys(&SOURCE, || 0, || async { Ok(temporary("revoked", 7_200)) })
            .await
            .unwrap();
        cache.forget(&SOURCE, &first.keys);
        let second = cache
            .keys(&SOURCE, || 1, || async { Ok(temporary("new", 7_200)) })
            .await
            .unwrap();
        assert_eq!(second.keys.secret_id, "new");
        // A send that was refused with the old keys after they were replaced drops nothing.
        cache.forget(&SOURCE, &first.keys);
        let kept = cache
            .keys(&SOURCE, || 2, || async { Ok(temporary("unwanted", 7_200)) })
            .await
            .unwrap();
        assert_eq!(kept.keys.secret_id, "new");
    }

    #[test]
    fn keys_never_print_their_secret_or_token() {
        let text = format!("{:?}", temporary("AKIDtmp", 1).keys);
        assert!(
            !text.contains("AKIDtmp-key") && !text.contains("AKIDtmp-token"),
            "{text}"
        );
    }
}
