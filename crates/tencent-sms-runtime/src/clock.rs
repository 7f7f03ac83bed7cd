//! Time as an input, so signing is testable and clock skew can be simulated and corrected.

use std::time::{SystemTime, UNIX_EPOCH};

/// Where the signer gets "now" from.
pub trait Clock: Send + Sync + 'static {
    /// Unix time in seconds.
    fn now_unix(&self) -> i64;

    /// Unix time in milliseconds, for what is stamped to the millisecond (the send log).
    fn now_unix_millis(&self) -> i64 {
        self.now_unix() * 1_000
    }
}

/// The machine clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        self.now_unix_millis().div_euclid(1_000)
    }

    fn now_unix_millis(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// The machine clock shifted by a fixed number of seconds: a wrong clock, for tests.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct OffsetClock {
    offset_seconds: i64,
}

#[cfg(any(test, feature = "testing"))]
impl OffsetClock {
    /// A clock `offset_seconds` ahead of the machine's (behind, if negative).
    pub fn new(offset_seconds: i64) -> Self {
        Self { offset_seconds }
    }
}

#[cfg(any(test, feature = "testing"))]
impl Clock for OffsetClock {
    fn now_unix(&self) -> i64 {
        SystemClock.now_unix() + self.offset_seconds
    }

    fn now_unix_millis(&self) -> i64 {
        SystemClock.now_unix_millis() + self.offset_seconds * 1_000
    }
}

impl<C: Clock> Clock for std::sync::Arc<C> {
    fn now_unix(&self) -> i64 {
        (**self).now_unix()
    }

    fn now_unix_millis(&self) -> i64 {
        (**self).now_unix_millis()
    }
}

/// Parses an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
pub fn parse_http_date(value: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn offset_clock_shifts_the_system_clock() {
        let clock = OffsetClock::new(600);
        let delta = clock.now_unix() - SystemClock.now_unix();
        assert!((599..=601).contains(&delta));
    }
}
