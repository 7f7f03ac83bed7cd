//! The send log never changes a send's outcome or delays it, whatever stderr does: a pipe
//! nobody reads (EAGAIN forever), a closed reader (EPIPE), a reader that takes a second per
//! line. Every send here reaches the emulator and must resolve as sent.

mod common;

use std::io::{ErrorKind, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use tencent_sms_runtime::{ClientOptions, Connector};

/// Answers every write with `error`, or keeps lines after `delay` each.
struct Stderr {
    error: Option<ErrorKind>,
    delay: Duration,
    kept: Arc<Mutex<Vec<u8>>>,
}

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(kind) = self.error {
            return Err(kind.into());
        }
        std::thread::sleep(self.delay);
        self.kept.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn connector(error: Option<ErrorKind>, delay: Duration) -> (Connector, Arc<Mutex<Vec<u8>>>) {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let stderr = Stderr {
        error,
        delay,
        kept: kept.clone(),
    };
    let connector = Connector::logging_all_to(ClientOptions::default(), move || Box::new(stderr));
    (connector, kept)
}

/// Sends `count` messages at once; how many resolved as sent, and how long all took.
async fn burst(connector: &Connector, config: &str, count: usize) -> (usize, Duration) {
    let started = Instant::now();
    let sends = (0..count).map(|n| {
        let data = json!({ "to": format!("86137{:08}", n), "type": "SignIn", "payload": { "code": "123456" } });
        async move { connector.send_message(config, &data.to_string()).await }
    });
    let outcomes = futures_util::future::join_all(sends).await;
    let sent = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    (sent, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipe_nobody_reads_neither_fails_nor_delays_a_send_and_drops_are_counted() {
    let emu = common::emulator().await;
    let config = common::emulator_config(&emu.url()).to_string();
    let (connector, _) = connector(Some(ErrorKind::WouldBlock), Duration::ZERO);
    let (sent, _) = burst(&connector, &config, 2_000).await;
    assert_eq!(sent, 2_000, "every send reached the emulator");
    assert_eq!(emu.state.api_requests(), 2_000);
    assert!(
        connector.unreported_dropped_lines() > 0,
        "lines past the queue are counted"
    );
}

#[tokio::test]
async fn a_closed_stderr_drops_every_line_and_no_send() {
    let emu = common::emulator().await;
    let config = common::emulator_config(&emu.url()).to_string();
    let (connector, _) = connector(Some(ErrorKind::BrokenPipe), Duration::ZERO);
    let (sent, _) = burst(&connector, &config, 20).await;
    assert_eq!(sent, 20);
    connector.flush_stderr(Duration::from_secs(5));
    assert_eq!(connector.unreported_dropped_lines(), 20);
}

#[tokio::test]
async fn a_slow_reader_does_not_slow_the_sends() {
    let emu = common::emulator().await;
    let config = common::emulator_config(&emu.url()).to_string();
    let (connector, kept) = connector(None, Duration::from_millis(200));
    let (sent, took) = burst(&connector, &config, 20).await;
    assert_eq!(sent, 20);
    // Written in line with the sends, 20 lines at 200 ms each would take 4 s.
    assert!(took < Duration::from_secs(3), "the sends took {took:?}");
    connector.flush_stderr(Duration::from_secs(10));
    let kept = String::from_utf8(kept.lock().unwrap().clone()).unwrap();
    assert_eq!(kept.lines().count(), 20, "every line is written, later");
    assert!(kept
        .lines()
        .all(|line| line.contains(r#""outcome":"sent""#)));
}

#[tokio::test]
async fn a_line_is_stamped_by_the_connectors_clock() {
    let emu = common::emulator().await;
    let config = common::emulator_config(&emu.url()).to_string();
    let kept = Arc::new(Mutex::new(Vec::new()));
    let stderr = Stderr {
        error: None,
        delay: Duration::ZERO,
        kept: kept.clone(),
    };
    // A year ahead: the emulator's refusal teaches the client Tencent's clock for signing,
    // but the connector's own "now" stays what its clock says.
    let year = 365 * 86_400;
    let options = ClientOptions {
        clock: Arc::new(tencent_sms_runtime::clock::OffsetClock::new(year)),
        ..ClientOptions::default()
    };
    let connector = Connector::logging_all_to(options, move || Box::new(stderr));
    let data = json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "123456" } });
    let _ = connector.send_message(&config, &data.to_string()).await;
    connector.flush_stderr(Duration::from_secs(5));
    let line = String::from_utf8(kept.lock().unwrap().clone()).unwrap();
    let ahead = chrono::Utc::now() + chrono::Duration::seconds(year);
    let year_ahead = ahead.format("%Y").to_string();
    assert!(
        line.starts_with(&format!(r#"{{"time":"{year_ahead}-"#)),
        "{line}"
    );
}
