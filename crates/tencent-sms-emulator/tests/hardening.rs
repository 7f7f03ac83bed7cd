//! Clients that stall, hog memory or exhaust file descriptors cannot knock the emulator over:
//! stalled connections are closed after the read timeout, bodies share one byte budget, and
//! the accept loop backs off instead of spinning.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tencent_sms_emulator::MAX_BODY_BYTES_IN_FLIGHT;
use tencent_sms_emulator::{EmulatorOptions, RunningEmulator};

const READ_TIMEOUT_MS: u64 = 300;

async fn emulator(read_timeout_ms: u64) -> RunningEmulator {
    RunningEmulator::start(EmulatorOptions {
        read_timeout_ms,
        ..Default::default()
    })
    .await
    .unwrap()
}

/// Writes `prefix`, then waits (off the runtime) for the emulator to close the connection;
/// returns how long that took, or `None` if it was still open after `patience`.
async fn closed_after(
    emulator: &RunningEmulator,
    prefix: Vec<u8>,
    patience: Duration,
) -> Option<Duration> {
    let addr = emulator.local_addr;
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(&prefix).unwrap();
        let started = Instant::now();
        stream.set_read_timeout(Some(patience)).unwrap();
        let mut sink = Vec::new();
        // Reads whatever answer there is, up to the close (EOF or reset).
        match stream.read_to_end(&mut sink) {
            Ok(_) => Some(started.elapsed()),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(started.elapsed()),
            Err(_) => None,
        }
    })
    .await
    .unwrap()
}

fn health_request(keep_alive: bool) -> Vec<u8> {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    format!("GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\n\r\n")
        .into_bytes()
}

#[tokio::test]
async fn stalled_and_idle_connections_are_closed_after_the_read_timeout() {
    let emulator = emulator(READ_TIMEOUT_MS).await;
    let patience = Duration::from_secs(5);
    let stalls: [(&str, Vec<u8>); 4] = [
        ("silent", Vec::new()),
        (
            "mid-headers",
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le".to_vec(),
        ),
        (
            "mid-body",
            b"POST /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"kind\""
                .to_vec(),
        ),
        ("idle after a request", health_request(true)),
    ];
    for (name, prefix) in stalls {
        let closed = closed_after(&emulator, prefix, patience).await;
        let closed = closed.unwrap_or_else(|| panic!("{name}: still open after {patience:?}"));
        assert!(
            closed >= Duration::from_millis(READ_TIMEOUT_MS - 50),
            "{name}: closed too early ({closed:?})"
        );
    }
}

#[tokio::test]
async fn a_connection_that_keeps_talking_is_not_cut() {
    let emulator = emulator(READ_TIMEOUT_MS).await;
    let addr = emulator.local_addr;
    let answered = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        let mut answers = 0;
        for _ in 0..5 {
            std::thread::sleep(Duration::from_millis(READ_TIMEOUT_MS / 2));
            stream.write_all(&health_request(true)).unwrap();
            let mut buffer = [0; 1024];
            let read = stream.read(&mut buffer).unwrap();
            answers += usize::from(buffer[..read].starts_with(b"HTTP/1.1 200"));
        }
        answers
    })
    .await
    .unwrap();
    assert_eq!(answered, 5);
}

/// Opens a connection and sends headers plus `bytes` of a body it never finishes.
fn stalled_upload(addr: std::net::SocketAddr, bytes: usize) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr)?;
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        bytes + 1
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&vec![b' '; bytes])?;
    Ok(stream)
}

fn closed_by_peer(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionReset};
    matches!(error.kind(), ConnectionReset | BrokenPipe)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_being_read_share_one_budget_and_health_still_answers() {
    let emulator = emulator(60_000).await;
    let addr = emulator.local_addr;
    let upload = 9 * 1024 * 1024;
    let fitting = MAX_BODY_BYTES_IN_FLIGHT / upload;
    let refused = tokio::task::spawn_blocking(move || {
        let held: Vec<TcpStream> = (0..fitting)
            .map(|_| stalled_upload(addr, upload).unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        // One more does not fit: the emulator closes it (while it is still being written, or
        // right after) instead of buffering it.
        let refused = match stalled_upload(addr, upload) {
            Err(e) => closed_by_peer(&e),
            Ok(mut extra) => {
                extra
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                match extra.read_to_end(&mut Vec::new()) {
                    Ok(_) => true,
                    Err(e) => closed_by_peer(&e),
                }
            }
        };
        let mut health = TcpStream::connect(addr).unwrap();
        health.write_all(&health_request(false)).unwrap();
        let mut answer = String::new();
        health.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        drop(held);
        refused
    })
    .await
    .unwrap();
    assert!(refused, "the upload past the budget was closed");
}

#[test]
fn out_of_file_descriptors_the_accept_loop_backs_off() {
    let config = std::env::temp_dir().join(format!("emulator-fds-{}.json", std::process::id()));
    std::fs::write(&config, r#"{ "readTimeoutMs": 60000 }"#).unwrap();
    let command = format!(
        "ulimit -n 48 && exec '{}' --config '{}'",
        env!("CARGO_BIN_EXE_tencent-sms-emulator"),
        config.display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_owned();
    // More connections than descriptors: the kernel queues the rest, accept fails with EMFILE.
    let _held: Vec<TcpStream> = (0..80)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_seconds(child.id());
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_seconds(child.id()) - before;
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_file(&config);
    assert!(
        spent < 0.5,
        "the emulator spun for {spent:.2} CPU-seconds in 2 s"
    );
}

/// User plus system CPU time of a process, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based).
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// An unsigned SendSms: answered with Tencent's `AuthFailure` in a 200, as any API request.
fn api_request(keep_alive: bool) -> Vec<u8> {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let body =
        r#"{"PhoneNumberSet":["+8613711112222"],"SmsSdkAppId":"1400000000","TemplateId":"1"}"#;
    format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-TC-Action: SendSms\r\nX-Padding: {}\r\nConnection: {connection}\r\nContent-Length: {}\r\n\r\n{body}",
        "p".repeat(2000),
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn pipelined_requests_are_all_answered_in_order() {
    let emulator = emulator(10_000).await;
    let addr = emulator.local_addr;
    const PIPELINED: usize = 500;
    let answered = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut all = Vec::new();
        for _ in 0..PIPELINED {
            all.extend(api_request(true));
        }
        // Written whole before any answer is read, as a pipelining client does.
        stream.write_all(&all).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut answers = Vec::new();
        let mut chunk = [0u8; 65536];
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            answers.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&answers)
            .matches("HTTP/1.1 200 OK")
            .count()
    })
    .await
    .unwrap();
    assert_eq!(answered, PIPELINED);
}
