//! The send log: with `TENCENT_SMS_LOG` in Logto's environment (`errors` or `all`; off by
//! default), one JSON line per outcome on stderr, so that a user's "the code never arrived" can
//! be traced to Tencent's delivery receipt (SerialNo, RequestId). Never the code, a secret or
//! the whole number: the number is masked (`+86138****8000`). The guard's monitor mode writes
//! its lines whatever the setting, since they are what it is for. Lines go through
//! [`StderrLines`], so writing one never fails, delays or panics the send it describes.

use std::sync::Arc;

use serde::Serialize;
use tencent_sms_core::SiteName;

use crate::clock::Clock;
use crate::process_env;
use crate::stderr_lines::StderrLines;

/// What the log writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Off,
    Errors,
    All,
}

/// The send log of a `Connector`, at the level `TENCENT_SMS_LOG` set when it was made.
#[derive(Clone)]
pub(crate) struct SendLog {
    level: Level,
    lines: Arc<StderrLines>,
    /// The connector's clock, which stamps each line.
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SendLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendLog")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl SendLog {
    /// The level Logto's environment sets, writing through `lines`, stamped by `clock`.
    pub(crate) fn from_env(lines: Arc<StderrLines>, clock: Arc<dyn Clock>) -> Self {
        let level = match process_env::non_empty(process_env::LOG_VAR)
            .as_deref()
            .map(str::trim)
        {
            Some("all") => Level::All,
            Some("errors") => Level::Errors,
            _ => Level::Off,
        };
        Self {
            level,
            lines,
            clock,
        }
    }

    /// Every outcome logged, whatever the environment says.
    #[cfg(feature = "testing")]
    pub(crate) fn all(self) -> Self {
        Self {
            level: Level::All,
            ..self
        }
    }

    /// Whether no line is written but the guard's monitor mode ones.
    pub(crate) fn is_off(&self) -> bool {
        self.level == Level::Off
    }

    /// Writes `entry` when the level asks for it, or when `always` (the guard's monitor mode).
    pub(crate) fn record(&self, entry: &Entry<'_>, always: bool) {
        let wanted = match self.level {
            Level::All => true,
            Level::Errors => entry.outcome != "sent",
            Level::Off => false,
        };
        if wanted || always {
            let time = timestamp(self.clock.now_unix_millis());
            let stamped = Stamped { time: &time, entry };
            if let Ok(line) = serde_json::to_string(&stamped) {
                self.lines.write(time, line);
            }
        }
    }
}

/// A line's time from the connector's clock (`now_millis`, Unix milliseconds): RFC 3339, UTC,
/// milliseconds.
pub(crate) fn timestamp(now_millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(now_millis)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A line as written: its time first, then the entry.
#[derive(Serialize)]
struct Stamped<'a> {
    time: &'a str,
    #[serde(flatten)]
    entry: &'a Entry<'a>,
}

/// One line of the log, without its time (the log stamps it).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry<'a> {
    /// `sent`, or the error's code (`template_not_found`, `rate_limit_exceeded`, …).
    pub(crate) outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tencent_code: Option<&'a str>,
    #[serde(rename = "type")]
    pub(crate) usage_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) template_id: Option<&'a str>,
    /// The site it went through: `main`, or `international` for `internationalSite`.
    pub(crate) site: SiteName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) country: Option<String>,
    pub(crate) to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) serial_no: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) request_id: Option<&'a str>,
    pub(crate) attempts: u32,
    pub(crate) duration_ms: u64,
    pub(crate) guard: String,
}

/// `+86138****8000`: the country code and the start of the number, then the last four digits;
/// a short number keeps less of each.
pub(crate) fn mask(number: &str) -> String {
    let digits = number.trim_start_matches('+');
    let (head, tail) = if digits.len() >= 11 { (5, 4) } else { (3, 2) };
    if digits.len() <= head + tail {
        return format!("+{}****", &digits[..digits.len().min(2)]);
    }
    format!("+{}****{}", &digits[..head], &digits[digits.len() - tail..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_to_the_millisecond() {
        assert_eq!(timestamp(1_767_225_600_123), "2026-01-01T00:00:00.123Z");
    }

    #[test]
    fn numbers_are_masked_in_the_middle() {
        assert_eq!(mask("+8613812348000"), "+86138****8000");
        assert_eq!(mask("+16502530000"), "+16502****0000");
        assert_eq!(mask("+85291234567"), "+85291****4567");
        assert_eq!(mask("+4420123"), "+442****23");
        assert_eq!(mask("+12345"), "+12****");
    }

    #[test]
    fn an_entry_is_one_json_line_without_the_code() {
        let entry = Entry {
            outcome: "sent",
            tencent_code: None,
            usage_type: "SignIn",
            template_id: Some("1000001"),
            site: SiteName::Main,
            country: Some("CN".into()),
            to: mask("+8613812348000"),
            serial_no: Some("2433:1"),
            request_id: Some("r"),
            attempts: 1,
            duration_ms: 12,
            guard: "admitted".into(),
        };
        let stamped = Stamped {
            time: "2026-01-01T00:00:00.000Z",
            entry: &entry,
        };
        let line = serde_json::to_string(&stamped).unwrap();
        assert!(
            line.starts_with(r#"{"time":"2026-01-01T00:00:00.000Z","outcome":"sent""#),
            "{line}"
        );
        assert!(
            line.contains(r#""to":"+86138****8000""#) && !line.contains('\n'),
            "{line}"
        );
    }
}
