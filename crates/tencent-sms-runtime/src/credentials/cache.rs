//! Keys per source, kept until shortly before they expire.
//!
//! Temporary credentials (CVM role, OIDC role, or a session token in the environment) are
//! refreshed ahead of expiry: 5 minutes before, as Tencent's SDKs do, or at nine tenths of a
//! shorter lifetime. One refresh runs at a time however many sends need keys: while keys are
//! still valid, the other sends use them and do not wait; only a send that has no valid keys
//! waits for the refresh. A refresh that fails keeps the keys while they are valid (and is
//! tried again 10 s later, not by every send); once they have expired, a send fails at once
//! with what was tried. Long-term keys from the environment or a profile file are read again
//! every 5 minutes, so a rotated key is picked up without a restart.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tencent_sms_core::{CredentialSource, SigningKeys};

/// How long before expiry temporary keys are refreshed (Tencent's SDKs: 300 s).
pub(crate) const REFRESH_AHEAD_SECONDS: i64 = 300;
/// How often long-term keys from a file or the environment are read again.
pub(crate) const RELOAD_SECONDS: i64 = 300;
/// How long after a failed refresh the still-valid keys are used without trying again.
pub(crate) const RETRY_AFTER_FAILURE_SECONDS: i64 = 10;
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
    failed_at: Mutex<Option<i64>>,
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

    /// Keys of `source` at `now()`: cached, or from `fetch` (one at a time). `Err` says why
    /// there are none: what `fetch` said, once the last keys have expired.
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
        let _refreshing = match &valid {
            // Another send is refreshing: these keys are still good.
            Some(valid) => match entry.refreshing.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(valid.clone()),
            },
            None => entry.refreshing.lock().await,
        };
        let current = entry.current();
        if let Some(current) = fresh(&current, now()) {
            return Ok(current);
        }
        let valid = current.filter(|current| now() < current.expires_at);
        let failed_at = *lock(&entry.failed_at);
        if let (Some(valid), Some(failed_at)) = (&valid, failed_at) {
            if now() < failed_at + RETRY_AFTER_FAILURE_SECONDS {
                return Ok(valid.clone());
            }
        }
        match fetch().await {
            Ok(fetched) => {
                let current = Current::from(fetched, now());
                *lock(&entry.current) = Some(current.clone());
                *lock(&entry.failed_at) = None;
                Ok(current)
            }
            Err(why) => {
                *lock(&entry.failed_at) = Some(now());
                valid.ok_or(why)
            }
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

    #[test]
    fn keys_never_print_their_secret_or_token() {
        let text = format!("{:?}", temporary("AKIDtmp", 1).keys);
        assert!(
            !text.contains("AKIDtmp-key") && !text.contains("AKIDtmp-token"),
            "{text}"
        );
    }
}
