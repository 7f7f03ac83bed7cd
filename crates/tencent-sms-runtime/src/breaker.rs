//! Which endpoint a request goes to: the primary unless it was found unreachable again and
//! again, then the backup, with the primary probed again after a while.
//!
//! One breaker per host. A host opens after [`FAILURES_TO_OPEN`] consecutive unreachable
//! attempts (DNS failure, refused connection, connect or TLS-handshake timeout) and stays open
//! for [`OPEN_FOR`]; then one send at a time probes it (half-open), and the first exchange that
//! reaches it closes it again. Only unreachable outcomes count: a request that may have
//! reached Tencent (a timeout after the body went out) says nothing about reachability, and is
//! never failed over, because SendSms has no idempotency token and a second try could send the
//! user two codes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Consecutive unreachable attempts that open a host's breaker.
pub const FAILURES_TO_OPEN: u32 = 3;
/// How long an open breaker keeps sends away from its host before one probes it.
pub const OPEN_FOR: Duration = Duration::from_secs(30);
/// Hosts tracked at most; real configs name two to four.
const MAX_HOSTS: usize = 64;

#[derive(Debug, Default, Clone, Copy)]
struct HostState {
    consecutive_failures: u32,
    open_until: Option<Instant>,
    /// A probe is under way: other sends keep away until it reports.
    probing: bool,
}

/// Breakers for every host the client sends to.
#[derive(Debug)]
pub(crate) struct Breakers {
    hosts: Mutex<HashMap<String, HostState>>,
    open_for: Duration,
}

impl Breakers {
    pub(crate) fn new(open_for: Duration) -> Self {
        Self {
            hosts: Mutex::new(HashMap::new()),
            open_for,
        }
    }

    fn hosts(&self) -> std::sync::MutexGuard<'_, HashMap<String, HostState>> {
        self.hosts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a request may go to `host` now. Past the open period the first caller is let
    /// through as the probe, and the others keep away until it reports.
    pub(crate) fn admits(&self, host: &str, now: Instant) -> bool {
        let mut hosts = self.hosts();
        let Some(state) = hosts.get_mut(host) else {
            return true;
        };
        match state.open_until {
            None => true,
            Some(until) if now < until || state.probing => false,
            Some(_) => {
                state.probing = true;
                true
            }
        }
    }

    /// `host` answered: it is reachable.
    pub(crate) fn reached(&self, host: &str) {
        self.hosts().remove(host);
    }

    /// `host` could not be reached: count it, and open (or reopen) the breaker at the limit.
    pub(crate) fn unreachable(&self, host: &str, now: Instant) {
        let mut hosts = self.hosts();
        if hosts.len() >= MAX_HOSTS && !hosts.contains_key(host) {
            hosts.retain(|_, state| state.open_until.is_some());
            if hosts.len() >= MAX_HOSTS {
                return;
            }
        }
        let state = hosts.entry(host.to_owned()).or_default();
        state.consecutive_failures = state.consecutive_failures.saturating_add(1);
        if state.probing || state.consecutive_failures >= FAILURES_TO_OPEN {
            state.open_until = Some(now + self.open_for);
            state.probing = false;
        }
    }

    /// A probe ended without saying anything about reachability: let another send probe.
    pub(crate) fn inconclusive(&self, host: &str) {
        if let Some(state) = self.hosts().get_mut(host) {
            state.probing = false;
        }
    }

    /// Whether `host`'s breaker is open (sends keep away from it).
    pub(crate) fn is_open(&self, host: &str, now: Instant) -> bool {
        self.hosts()
            .get(host)
            .and_then(|state| state.open_until)
            .is_some_and(|until| now < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_consecutive_failures_and_probes_once_after_the_open_period() {
        let breakers = Breakers::new(OPEN_FOR);
        let t0 = Instant::now();
        for _ in 1..FAILURES_TO_OPEN {
            breakers.unreachable("a", t0);
            assert!(breakers.admits("a", t0));
        }
        breakers.unreachable("a", t0);
        assert!(!breakers.admits("a", t0), "open");
        assert!(breakers.admits("b", t0), "per host");
        let later = t0 + OPEN_FOR;
        assert!(breakers.admits("a", later), "the probe");
        assert!(!breakers.admits("a", later), "one probe at a time");
        breakers.unreachable("a", later);
        assert!(
            !breakers.admits("a", later + OPEN_FOR / 2),
            "a failed probe reopens it"
        );
        let again = later + OPEN_FOR;
        assert!(breakers.admits("a", again));
        breakers.reached("a");
        assert!(
            breakers.admits("a", again) && breakers.admits("a", again),
            "closed"
        );
    }

    #[test]
    fn a_success_resets_the_count() {
        let breakers = Breakers::new(OPEN_FOR);
        let now = Instant::now();
        for _ in 0..5 {
            breakers.unreachable("a", now);
            breakers.unreachable("a", now);
            breakers.reached("a");
        }
        assert!(breakers.admits("a", now));
    }

    #[test]
    fn an_inconclusive_probe_lets_the_next_send_probe() {
        let breakers = Breakers::new(OPEN_FOR);
        let now = Instant::now();
        for _ in 0..FAILURES_TO_OPEN {
            breakers.unreachable("a", now);
        }
        let later = now + OPEN_FOR;
        assert!(breakers.admits("a", later));
        breakers.inconclusive("a");
        assert!(breakers.admits("a", later));
    }
}
