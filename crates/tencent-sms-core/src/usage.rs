//! `getUsage(startFrom?)`: billed messages since a moment, from Tencent's SendStatusStatistics.
//!
//! Tencent counts by hour in Beijing time (UTC+8) and answers for bounded ranges, so a long
//! range is asked in windows of at most 31 days and summed. Ranges reach back one year at most.

use chrono::{DateTime, Duration, FixedOffset};

use crate::classify::ErrorCode;
use crate::client::SmsClient;
use crate::config_cache::ConfigCache;
use crate::failure::ConnectorFailure;
use crate::request::TencentRequest;

const WINDOW_DAYS: i64 = 31;
const MAX_DAYS_BACK: i64 = 366;
/// Without `startFrom`: the last 30 days.
const DEFAULT_DAYS_BACK: i64 = 30;

fn beijing_hour(timestamp: i64) -> Option<String> {
    let beijing = FixedOffset::east_opt(8 * 3600)?;
    Some(
        DateTime::from_timestamp(timestamp, 0)?
            .with_timezone(&beijing)
            .format("%Y%m%d%H")
            .to_string(),
    )
}

/// `(BeginTime, EndTime)` pairs (`yyyymmddhh`, both hours included) covering `start..=now`.
pub fn usage_windows(
    start: Option<i64>,
    now: i64,
) -> Result<Vec<(String, String)>, ConnectorFailure> {
    let earliest = now - MAX_DAYS_BACK * 86_400;
    let start = start
        .unwrap_or(now - DEFAULT_DAYS_BACK * 86_400)
        .clamp(earliest, now);
    let invalid = || {
        ConnectorFailure::new(
            ErrorCode::InvalidRequestParameters,
            "startFrom is not a valid date",
        )
    };
    let mut windows = Vec::new();
    let mut begin = start;
    loop {
        let end = (begin + Duration::days(WINDOW_DAYS).num_seconds() - 3600).min(now);
        windows.push((
            beijing_hour(begin).ok_or_else(invalid)?,
            beijing_hour(end).ok_or_else(invalid)?,
        ));
        if end >= now {
            return Ok(windows);
        }
        begin = end + 3600;
    }
}

/// Billed messages since `start_from` (Unix seconds), summed over the windows.
pub async fn get_usage(
    client: &SmsClient,
    configs: &ConfigCache,
    config_json: &str,
    start_from: Option<i64>,
    now: i64,
) -> Result<u64, ConnectorFailure> {
    let config = configs.get_or_validate(config_json)?;
    let mut total = 0;
    for (begin, end) in usage_windows(start_from, now)? {
        let request = TencentRequest::send_status_statistics(&config, &begin, &end);
        total += client.fetch_usage(&request).await?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-05-01 05:00:00 UTC = 2024-05-01 13:00 in Beijing.
    const NOW: i64 = 1_714_539_600;

    #[test]
    fn hours_are_beijing_time() {
        assert_eq!(
            usage_windows(Some(NOW - 3600), NOW).unwrap(),
            [("2024050112".to_owned(), "2024050113".to_owned())]
        );
    }

    #[test]
    fn long_ranges_are_split_into_31_day_windows_and_capped_at_a_year() {
        let windows = usage_windows(Some(NOW - 70 * 86_400), NOW).unwrap();
        assert_eq!(windows.len(), 3);
        assert_eq!(windows.last().unwrap().1, "2024050113");
        let year = usage_windows(Some(0), NOW).unwrap();
        assert_eq!(year.len(), 12);
        assert_eq!(usage_windows(None, NOW).unwrap().len(), 1);
    }

    #[test]
    fn a_future_start_asks_for_the_current_hour() {
        assert_eq!(
            usage_windows(Some(NOW + 86_400), NOW).unwrap(),
            [("2024050113".to_owned(), "2024050113".to_owned())]
        );
    }
}
