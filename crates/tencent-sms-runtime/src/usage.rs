//! `getUsage(startFrom?)`: billed messages since a moment, from Tencent's SendStatusStatistics.
//!
//! Logto calls `getUsage` on every connector list, detail, create and update, gives it 3 s and
//! silently drops a later answer; Tencent allows 10 SendStatusStatistics requests a second.
//! Tencent counts by hour in Beijing time, and a closed hour never changes, so:
//! - the range is cut at fixed 31-day boundaries (not at `startFrom`), so the same closed
//!   windows come back on every call and their counts are remembered ([`UsageCache`]);
//! - only the current hour, and a closed window not seen before, are asked; a year of history
//!   costs about 14 requests once, then one or two per call;
//! - the windows are asked concurrently, paced to Tencent's rate ([`RequestPacer`]), and two
//!   calls that need the same window share one request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use futures_util::future::try_join_all;
use sha2::{Digest, Sha256};
use tencent_sms_core::guard::BEIJING_OFFSET_SECONDS;
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::client::SmsClient;
use crate::config_cache::ConfigCache;
use tencent_sms_core::config::Site;
use tencent_sms_core::failure::ConnectorFailure;
use tencent_sms_core::failure::ErrorCode;
use tencent_sms_core::request::TencentRequest;

const HOUR: i64 = 3600;
/// Hours in one window: Tencent answers ranges of at most 31 days.
const WINDOW_HOURS: i64 = 31 * 24;
const MAX_DAYS_BACK: i64 = 366;
/// Without `startFrom`: the last 30 days.
const DEFAULT_DAYS_BACK: i64 = 30;
/// Tencent allows 10 SendStatusStatistics requests a second; 110 ms apart keeps any one-second
/// span at 10 or fewer whether or not its ends count, with room for timer jitter.
pub(crate) const USAGE_REQUEST_INTERVAL: Duration = Duration::from_millis(110);
/// Closed windows remembered; a deployment needs about 14 per SMS app and key.
const CACHE_CAPACITY: usize = 4096;

/// A range of whole hours, `first..=last`, as hour numbers since the Unix epoch. Beijing is a
/// whole number of hours from UTC, so these are Beijing hours too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct HourWindow {
    pub first: i64,
    pub last: i64,
}

impl HourWindow {
    /// `(BeginTime, EndTime)` as Tencent wants them: `yyyymmddhh` in Beijing time.
    pub(crate) fn tencent_times(&self) -> Option<(String, String)> {
        Some((beijing_hour(self.first)?, beijing_hour(self.last)?))
    }
}

/// Hour number `hour` since the Unix epoch as Tencent names hours: `yyyymmddhh`, Beijing time.
pub(crate) fn beijing_hour(hour: i64) -> Option<String> {
    let beijing = FixedOffset::east_opt(BEIJING_OFFSET_SECONDS as i32)?;
    Some(
        DateTime::from_timestamp(hour.checked_mul(HOUR)?, 0)?
            .with_timezone(&beijing)
            .format("%Y%m%d%H")
            .to_string(),
    )
}

/// The windows covering `start..=now`: closed ones cut at fixed 31-day boundaries, and last
/// the current hour on its own (the only one whose count can still change).
pub(crate) fn usage_windows(start: Option<i64>, now: i64) -> Vec<HourWindow> {
    let earliest = now - MAX_DAYS_BACK * 86_400;
    let start = start
        .unwrap_or(now - DEFAULT_DAYS_BACK * 86_400)
        .clamp(earliest, now);
    let (first, current) = (start.div_euclid(HOUR), now.div_euclid(HOUR));
    let mut windows = Vec::new();
    let mut begin = first;
    while begin < current {
        let boundary = (begin.div_euclid(WINDOW_HOURS) + 1) * WINDOW_HOURS;
        let last = (boundary - 1).min(current - 1);
        windows.push(HourWindow { first: begin, last });
        begin = last + 1;
    }
    windows.push(HourWindow {
        first: current,
        last: current,
    });
    windows
}

/// Spaces requests at least `interval` apart, process-wide, so no burst of usage queries
/// exceeds Tencent's rate however many calls arrive together.
#[derive(Debug)]
pub(crate) struct RequestPacer {
    interval: Duration,
    next_slot: Mutex<Option<Instant>>,
}

impl RequestPacer {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            next_slot: Mutex::new(None),
        }
    }

    /// Waits for this caller's slot.
    pub(crate) async fn wait_turn(&self) {
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let slot = next.map_or_else(Instant::now, |n| n.max(Instant::now()));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

impl Default for RequestPacer {
    fn default() -> Self {
        Self::new(USAGE_REQUEST_INTERVAL)
    }
}

/// Who is billed: the same SMS app and key at the same site. Hashed, so the cache holds no
/// credential.
type SiteKey = [u8; 32];

fn site_key(site: &Site) -> SiteKey {
    let mut hasher = Sha256::new();
    let source = format!("{:?}", site.credentials);
    for part in [
        site.endpoint.host_header.as_str(),
        &site.region,
        &site.sdk_app_id,
        &site.access_key_id,
        &source,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().into()
}

/// A closed window's count: set once, by the first request that succeeds.
type WindowCount = Arc<OnceCell<u64>>;

/// Counts of closed windows (they never change), and the requests under way for them, so
/// concurrent calls share one request per window. Failed requests are not remembered.
#[derive(Debug, Default)]
pub(crate) struct UsageCache {
    pacer: RequestPacer,
    closed: Mutex<HashMap<(SiteKey, HourWindow), WindowCount>>,
}

impl UsageCache {
    fn cell(&self, site: SiteKey, window: HourWindow) -> WindowCount {
        let mut closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
        if closed.len() >= CACHE_CAPACITY {
            closed.retain(|_, cell| !cell.initialized());
        }
        closed.entry((site, window)).or_default().clone()
    }
}

async fn ask(
    client: &SmsClient,
    pacer: &RequestPacer,
    site: &Site,
    window: HourWindow,
) -> Result<u64, ConnectorFailure> {
    let (begin, end) = window.tencent_times().ok_or_else(|| {
        ConnectorFailure::new(
            ErrorCode::InvalidRequestParameters,
            "startFrom is not a valid date",
        )
    })?;
    pacer.wait_turn().await;
    let request = TencentRequest::send_status_statistics(site, &begin, &end);
    client.fetch_usage(&request).await
}

/// Billed messages since `start_from` (Unix seconds), summed over the windows and the sites.
pub(crate) async fn get_usage(
    client: &SmsClient,
    configs: &ConfigCache,
    cache: &UsageCache,
    config_json: &str,
    start_from: Option<i64>,
    now: i64,
) -> Result<u64, ConnectorFailure> {
    let config = configs.get_or_validate(config_json)?;
    let windows = usage_windows(start_from, now);
    let current = now.div_euclid(HOUR);
    let counts = config.sites().flat_map(|site| {
        let via_international_site = config.is_international_site(site);
        windows.iter().map(move |&window| async move {
            site_usage(client, cache, site, window, current)
                .await
                .map_err(|failure| site.refusal_at_key(failure, None, via_international_site))
        })
    });
    Ok(try_join_all(counts).await?.into_iter().sum())
}

/// One site's count for one window: asked afresh for the current hour, else remembered.
async fn site_usage(
    client: &SmsClient,
    cache: &UsageCache,
    site: &Site,
    window: HourWindow,
    current: i64,
) -> Result<u64, ConnectorFailure> {
    if window.last >= current {
        return ask(client, &cache.pacer, site, window).await;
    }
    let cell = cache.cell(site_key(site), window);
    cell.get_or_try_init(|| ask(client, &cache.pacer, site, window))
        .await
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-05-01 05:00:00 UTC = 2024-05-01 13:00 in Beijing.
    const NOW: i64 = 1_714_539_600;

    fn times(windows: &[HourWindow]) -> Vec<(String, String)> {
        windows.iter().map(|w| w.tencent_times().unwrap()).collect()
    }

    #[test]
    fn hours_are_beijing_time_and_the_current_hour_stands_alone() {
        assert_eq!(
            times(&usage_windows(Some(NOW - 3600), NOW)),
            [
                ("2024050112".to_owned(), "2024050112".to_owned()),
                ("2024050113".to_owned(), "2024050113".to_owned())
            ]
        );
    }

    #[test]
    fn windows_cover_the_range_without_gaps_and_stay_within_31_days() {
        for start in [Some(0), Some(NOW - 70 * 86_400), None, Some(NOW - 5 * 3600)] {
            let windows = usage_windows(start, NOW);
            for pair in windows.windows(2) {
                assert_eq!(pair[0].last + 1, pair[1].first);
            }
            for w in &windows {
                assert!(w.first <= w.last && w.last - w.first < WINDOW_HOURS);
            }
            assert_eq!(windows.last().unwrap().first, NOW / HOUR);
        }
        let year = usage_windows(Some(0), NOW);
        assert_eq!(year[0].first, (NOW - MAX_DAYS_BACK * 86_400) / HOUR);
        assert!(year.len() <= 14, "{} windows for a year", year.len());
    }

    #[test]
    fn closed_windows_stay_the_same_from_one_hour_to_the_next() {
        let created = NOW - 200 * 86_400;
        let now = usage_windows(Some(created), NOW);
        let later = usage_windows(Some(created), NOW + 3 * 3600);
        let kept = now[..now.len() - 2]
            .iter()
            .filter(|w| later.contains(w))
            .count();
        assert_eq!(
            kept,
            now.len() - 2,
            "only the last closed window and the current hour change"
        );
    }

    #[test]
    fn a_future_start_asks_for_the_current_hour() {
        assert_eq!(
            times(&usage_windows(Some(NOW + 86_400), NOW)),
            [("2024050113".to_owned(), "2024050113".to_owned())]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_never_lets_more_than_ten_requests_into_one_second() {
        let pacer = Arc::new(RequestPacer::default());
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..25 {
            let pacer = pacer.clone();
            tasks.push(tokio::spawn(async move {
                pacer.wait_turn().await;
                Instant::now() - start
            }));
        }
        let mut at: Vec<Duration> = Vec::new();
        for task in tasks {
            at.push(task.await.unwrap());
        }
        at.sort();
        for (i, t) in at.iter().enumerate().skip(10) {
            assert!(
                *t - at[i - 10] >= Duration::from_secs(1),
                "requests {} and {i} are less than 1 s apart",
                i - 10
            );
        }
        assert_eq!(
            at[24],
            USAGE_REQUEST_INTERVAL * 24,
            "paced, not held back longer"
        );
    }
}
