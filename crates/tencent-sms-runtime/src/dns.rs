//! Name resolution through the system resolver, one lookup per host at a time.
//!
//! reqwest's default resolver runs `getaddrinfo` on tokio's blocking pool for every new
//! connection, so a burst that opens 64 connections to the one Tencent host started dozens of
//! lookups at once, each on its own thread, and those threads lingered after the burst. Here
//! every caller that wants a host while a lookup of it is running waits for that lookup
//! instead: a burst costs one lookup and one short-lived thread.
//!
//! It is still `getaddrinfo`, like Node's `dns.lookup` that the official connector uses, so
//! `/etc/hosts`, `nsswitch.conf`, search domains and container DNS behave as operators expect;
//! and nothing is cached beyond the lookup in flight, so a DNS change is seen by the next
//! connection.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::OnceCell;

/// What one lookup produced, shared by everyone who waited for it.
type Lookup = Result<Arc<[SocketAddr]>, Arc<io::Error>>;

/// Resolves `host` (the port is set by the caller); blocking.
type LookupFn = fn(&str) -> io::Result<Vec<SocketAddr>>;

/// The resolver the HTTP client uses: [`SharedLookups`] over `getaddrinfo`.
#[derive(Debug, Clone)]
pub(crate) struct SystemResolver(Arc<SharedLookups>);

impl SystemResolver {
    pub(crate) fn new() -> Self {
        Self(Arc::new(SharedLookups::with_lookup(system_lookup)))
    }
}

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let lookups = Arc::clone(&self.0);
        Box::pin(async move {
            let addrs = lookups.resolve_host(name.as_str()).await?;
            let addrs: Addrs = Box::new(Vec::from(&*addrs).into_iter());
            Ok(addrs)
        })
    }
}

/// Concurrent lookups of one host merged into one.
#[derive(Debug)]
struct SharedLookups {
    lookup: LookupFn,
    /// Lookups in flight, by host; an entry lives only while its lookup runs.
    in_flight: Mutex<HashMap<String, Arc<OnceCell<Lookup>>>>,
}

impl SharedLookups {
    fn with_lookup(lookup: LookupFn) -> Self {
        Self {
            lookup,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// The addresses of `host`, from the lookup in flight or a new one.
    async fn resolve_host(&self, host: &str) -> Lookup {
        let cell = self
            .table()
            .entry(host.to_owned())
            .or_insert_with(|| Arc::new(OnceCell::new()))
            .clone();
        let lookup = self.lookup;
        let owned_host = host.to_owned();
        // If the caller running the lookup gives up (its request timed out), the next waiter
        // runs it: `OnceCell` hands initialisation on.
        let result = cell
            .get_or_init(|| async move {
                match tokio::task::spawn_blocking(move || lookup(&owned_host)).await {
                    Ok(Ok(addrs)) => Ok(Arc::from(addrs)),
                    Ok(Err(error)) => Err(Arc::new(error)),
                    Err(_) => Err(Arc::new(io::Error::other("the DNS lookup was cancelled"))),
                }
            })
            .await
            .clone();
        let mut table = self.table();
        if table
            .get(host)
            .is_some_and(|entry| Arc::ptr_eq(entry, &cell))
        {
            table.remove(host);
        }
        result
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<Lookup>>>> {
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn system_lookup(host: &str) -> io::Result<Vec<SocketAddr>> {
    Ok((host, 0).to_socket_addrs()?.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    static LOOKUPS: AtomicUsize = AtomicUsize::new(0);

    fn slow_counting_lookup(host: &str) -> io::Result<Vec<SocketAddr>> {
        LOOKUPS.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(100));
        if host == "nowhere.invalid" {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such host"));
        }
        Ok(vec!["127.0.0.1:0".parse().unwrap()])
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_lookups_of_one_host_share_one_and_the_next_one_looks_again() {
        let resolver = Arc::new(SharedLookups::with_lookup(slow_counting_lookup));
        let callers: Vec<_> = (0..32)
            .map(|_| {
                let resolver = resolver.clone();
                tokio::spawn(async move { resolver.resolve_host("sms.example").await })
            })
            .collect();
        for caller in callers {
            assert_eq!(caller.await.unwrap().unwrap().len(), 1);
        }
        assert_eq!(LOOKUPS.load(Ordering::SeqCst), 1);
        assert!(resolver.table().is_empty(), "no entry outlives its lookup");

        let failure = resolver.resolve_host("nowhere.invalid").await.unwrap_err();
        assert_eq!(failure.kind(), io::ErrorKind::NotFound);
        resolver.resolve_host("sms.example").await.unwrap();
        assert_eq!(LOOKUPS.load(Ordering::SeqCst), 3, "nothing is cached");
    }
}
