//! Lines for stderr (the send log, the guard's Redis notices), written by a thread of their
//! own so that writing one can never fail, delay or panic a send.
//!
//! Under Docker or systemd, stderr is a pipe, and Node leaves its descriptor non-blocking: a
//! reader that falls behind makes `write` answer EAGAIN, a reader that went away makes it
//! answer EPIPE, and `eprintln!` panics on both. A panic caught around a send turned SMS that
//! Tencent had accepted into "internal error" outcomes (19 to 274 of a 10 000-send burst, and
//! every send with stderr closed), so the user tapped "resend" and a second SMS was paid for.
//!
//! So a send only hands its line to a bounded queue ([`QUEUE_LINES`]) and goes on. The writer
//! thread waits out EAGAIN, drops a line on any other error, and counts what it could not
//! write or what found the queue full; the next line it does write is preceded by one
//! `{"outcome":"log_dropped","dropped":N}` line, so a gap in the log is never silent.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Lines waiting for the writer at most: about 400 KiB of send-log lines. A reader slower
/// than the sends loses lines past this, counted, rather than holding memory without bound.
pub(crate) const QUEUE_LINES: usize = 1_024;
/// How long the process's exit may wait for the last lines (`Connector::flush_stderr`).
pub const EXIT_FLUSH_BOUND: Duration = Duration::from_millis(200);
/// How long the writer waits before writing again to a pipe that answered EAGAIN.
const RETRY_FULL_PIPE: Duration = Duration::from_millis(5);

/// Where the lines go: the process's stderr, or a test's sink.
pub(crate) type Sink = Box<dyn Write + Send>;

/// One line and the time it carries (the drop notice before it takes that time).
struct Line {
    time: String,
    text: String,
}

/// What the sends and the writer thread share.
#[derive(Default)]
struct Shared {
    /// Lines dropped since the last drop notice.
    dropped: AtomicU64,
    /// Lines queued and not yet written (or dropped), for [`StderrLines::flush`].
    pending: Mutex<usize>,
    written: Condvar,
}

impl Shared {
    fn settle_one(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        *pending = pending.saturating_sub(1);
        if *pending == 0 {
            self.written.notify_all();
        }
    }
}

/// The writer: started with the first line, so a process that logs nothing has no thread.
pub(crate) struct StderrLines {
    make_sink: Mutex<Option<Box<dyn FnOnce() -> Sink + Send>>>,
    queue: OnceLock<Option<SyncSender<Line>>>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for StderrLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StderrLines")
            .field("dropped", &self.shared.dropped.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Default for StderrLines {
    fn default() -> Self {
        Self::to_sink(|| Box::new(std::io::stderr()))
    }
}

impl StderrLines {
    /// Lines written to what `make_sink` opens (once, on the writer thread's start).
    pub(crate) fn to_sink(make_sink: impl FnOnce() -> Sink + Send + 'static) -> Self {
        Self {
            make_sink: Mutex::new(Some(Box::new(make_sink))),
            queue: OnceLock::new(),
            shared: Arc::default(),
        }
    }

    /// Queues `text` (one line, without its newline) stamped `time`; never blocks. A line that
    /// finds the queue full, or no writer thread, is counted as dropped.
    pub(crate) fn write(&self, time: String, text: String) {
        let Some(queue) = self.queue.get_or_init(|| self.start()) else {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        *self
            .shared
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner()) += 1;
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            queue.try_send(Line { time, text })
        {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            self.shared.settle_one();
        }
    }

    /// Waits until every queued line is written or dropped, at most `bound`: for the moments
    /// before the process exits, never on a send's path.
    pub(crate) fn flush(&self, bound: Duration) {
        let until = Instant::now() + bound;
        let mut pending = self
            .shared
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        while *pending > 0 {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            pending = match self.shared.written.wait_timeout(pending, left) {
                Ok((pending, _)) => pending,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Lines dropped and not yet reported by a drop notice.
    pub(crate) fn unreported_drops(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    fn start(&self) -> Option<SyncSender<Line>> {
        let make_sink = self
            .make_sink
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()?;
        let (queue, lines) = sync_channel(QUEUE_LINES);
        let shared = self.shared.clone();
        std::thread::Builder::new()
            .name("tencent-sms-log".to_owned())
            .spawn(move || write_lines(make_sink(), &lines, &shared))
            .ok()?;
        Some(queue)
    }
}

/// The writer thread: until every sender is gone.
fn write_lines(mut sink: Sink, lines: &Receiver<Line>, shared: &Shared) {
    for line in lines {
        let dropped = shared.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            let notice = format!(
                r#"{{"time":"{}","outcome":"log_dropped","dropped":{dropped}}}"#,
                line.time
            );
            if !write_line(&mut sink, &notice) {
                shared.dropped.fetch_add(dropped, Ordering::Relaxed);
            }
        }
        if !write_line(&mut sink, &line.text) {
            shared.dropped.fetch_add(1, Ordering::Relaxed);
        }
        shared.settle_one();
    }
}

/// Writes `text` and a newline whole, waiting out a full pipe; `false` when the sink failed
/// otherwise (closed, broken pipe, no space), which drops the line.
fn write_line(sink: &mut Sink, text: &str) -> bool {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        match sink.write(rest) {
            Ok(0) => return false,
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(RETRY_FULL_PIPE),
            Err(_) => return false,
        }
    }
    let _ = sink.flush();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that answers with `error` for its first `failures` writes, then keeps lines.
    struct Flaky {
        error: Option<ErrorKind>,
        failures: usize,
        kept: Arc<Mutex<String>>,
    }

    impl Write for Flaky {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Some(kind) = self.error.filter(|_| self.failures > 0) {
                self.failures -= 1;
                return Err(kind.into());
            }
            // Half at a time, as a nearly full pipe takes it.
            let n = buf.len().div_ceil(2);
            self.kept
                .lock()
                .unwrap()
                .push_str(std::str::from_utf8(&buf[..n]).unwrap());
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn lines_to(error: Option<ErrorKind>, failures: usize) -> (StderrLines, Arc<Mutex<String>>) {
        let kept = Arc::new(Mutex::new(String::new()));
        let sink = Flaky {
            error,
            failures,
            kept: kept.clone(),
        };
        (StderrLines::to_sink(move || Box::new(sink)), kept)
    }

    #[test]
    fn a_full_pipe_is_waited_out_and_partial_writes_completed() {
        let (lines, kept) = lines_to(Some(ErrorKind::WouldBlock), 3);
        lines.write("t".into(), r#"{"a":1}"#.into());
        lines.write("t".into(), r#"{"b":2}"#.into());
        lines.flush(Duration::from_secs(5));
        assert_eq!(*kept.lock().unwrap(), "{\"a\":1}\n{\"b\":2}\n");
    }

    #[test]
    fn a_broken_pipe_drops_the_line_and_the_next_written_line_says_so() {
        let (lines, kept) = lines_to(Some(ErrorKind::BrokenPipe), 1);
        lines.write("t0".into(), "lost".into());
        lines.flush(Duration::from_secs(5));
        assert_eq!(lines.unreported_drops(), 1);
        lines.write("t1".into(), "kept".into());
        lines.flush(Duration::from_secs(5));
        assert_eq!(
            *kept.lock().unwrap(),
            "{\"time\":\"t1\",\"outcome\":\"log_dropped\",\"dropped\":1}\nkept\n"
        );
        assert_eq!(lines.unreported_drops(), 0);
    }

    #[test]
    fn a_reader_that_never_reads_never_blocks_the_writer_of_a_line() {
        struct Stuck;
        impl Write for Stuck {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(ErrorKind::WouldBlock.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let lines = StderrLines::to_sink(|| Box::new(Stuck));
        // The writer takes the first line and waits on the pipe from then on.
        lines.write(String::new(), "first".to_owned());
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        for n in 0..10 * QUEUE_LINES {
            lines.write(String::new(), format!("line {n}"));
        }
        // Generous: 10 240 queue attempts take microseconds each; nothing waits on the pipe.
        assert!(started.elapsed() < Duration::from_secs(2));
        // The queue holds QUEUE_LINES of them: the rest is counted.
        let drops = lines.unreported_drops();
        assert_eq!(drops, (9 * QUEUE_LINES) as u64, "{drops} dropped");
        let started = Instant::now();
        lines.flush(Duration::from_millis(50));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "flush is bounded"
        );
    }
}
