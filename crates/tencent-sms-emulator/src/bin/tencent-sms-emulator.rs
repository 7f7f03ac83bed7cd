//! `tencent-sms-emulator [--host H] [--port N] [--config FILE] [--tls-cert FILE --tls-key FILE]
//! [--listen-on-network]`: runs the emulator until Ctrl-C or SIGTERM. The inbox is at
//! `GET /_emulator/messages`. `--check-health` asks a running one whether it is up (the
//! container's health check, where there is no shell or curl).

use std::process::ExitCode;

use tencent_sms_emulator::tls::{validate_tls, TlsPart};
use tencent_sms_emulator::{AccessToken, EmulatorOptions, EmulatorTls, RunningEmulator};

/// mimalloc: under load (the benchmark's tens of thousands of sends per second) the emulator
/// spent about a quarter of its CPU in glibc's `malloc` and `free`, CPU taken from the clients
/// it measures on the same machine.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str =
    "usage: tencent-sms-emulator [--host 127.0.0.1] [--port 0] [--config emulator.json]
                           [--tls-cert cert.pem --tls-key key.pem] [--listen-on-network]
       tencent-sms-emulator --check-health [--port N]

Emulates Tencent Cloud SMS SendSms (API 2021-01-11) for local end-to-end tests.
  --host H        loopback address to listen on: 127.0.0.1 (default), ::1 or localhost;
                  other addresses only with --listen-on-network
  --listen-on-network
                  listen on a network address on purpose (0.0.0.0 in a container): the page
                  and the control API then require the access token in the environment
                  variable TENCENT_SMS_EMULATOR_TOKEN (16+ characters), as a bearer token or
                  through the page's login; the SMS API stays open, as Tencent's is
  --port N        port to listen on; 0 picks a free one (default 0)
  --config FILE   JSON options: credentials, apps, frequencyLimitSeconds, maxClockSkewSeconds,
                  readTimeoutMs (see the README); without it the documented demo defaults are used
  --tls-cert FILE --tls-key FILE
                  serve HTTPS with this PEM certificate (chain) and private key
  --check-health  exit 0 if an emulator answers GET /_emulator/health on 127.0.0.1:PORT
Endpoints: POST / (the API), GET|DELETE /_emulator/messages, POST /_emulator/faults,
           GET /_emulator/stats, GET /_emulator/health";

/// Where `--listen-on-network` reads its access token: the environment, not the command line,
/// which every user of the machine can read.
const TOKEN_VAR: &str = "TENCENT_SMS_EMULATOR_TOKEN";

fn parse_args(args: &[String]) -> Result<EmulatorOptions, String> {
    let mut options = EmulatorOptions::default();
    let mut host = None;
    let mut port = None;
    let mut cert = None;
    let mut key = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--host" => host = Some(value("--host")?),
            "--port" => {
                port = Some(
                    value("--port")?
                        .parse::<u16>()
                        .map_err(|_| "--port must be 0-65535".to_string())?,
                )
            }
            "--config" => {
                let path = value("--config")?;
                options =
                    serde_json::from_str(&read_file(&path)?).map_err(|e| format!("{path}: {e}"))?;
            }
            "--listen-on-network" => {
                options.listen_on_network = true;
                let token = std::env::var(TOKEN_VAR).map_err(|_| {
                    format!("--listen-on-network needs the access token in {TOKEN_VAR}")
                })?;
                options.access_token = Some(AccessToken(token));
            }
            "--tls-cert" => cert = Some(value("--tls-cert")?),
            "--tls-key" => key = Some(value("--tls-key")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if let Some(host) = host {
        options.host = host;
    }
    if let Some(port) = port {
        options.port = port;
    }
    match (cert, key) {
        (Some(cert), Some(key)) => options.tls = Some(read_tls(&cert, &key)?),
        (None, None) => {}
        _ => return Err("--tls-cert and --tls-key go together".to_owned()),
    }
    Ok(options)
}

/// The certificate and key files, checked: a problem names the flag and the file.
fn read_tls(cert: &str, key: &str) -> Result<EmulatorTls, String> {
    let tls = EmulatorTls {
        certificate_chain: read_file(cert)?,
        private_key: read_file(key)?,
    };
    validate_tls(&tls).map_err(|error| {
        let file = match error.part {
            TlsPart::CertificateChain => cert,
            TlsPart::PrivateKey => key,
        };
        format!("{} {file}: {}", error.part.flag(), error.problem)
    })?;
    Ok(tls)
}

fn read_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--check-health") {
        return check_health(&args);
    }
    let options = match parse_args(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("tencent-sms-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut emulator = match RunningEmulator::start(options).await {
        Ok(emulator) => emulator,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("tencent-sms-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("tencent-sms-emulator: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    println!("Tencent SMS emulator listening on {}", emulator.url());
    let terminate = async {
        #[cfg(unix)]
        {
            if let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                term.recv().await;
                return;
            }
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    emulator.close().await;
    ExitCode::SUCCESS
}

/// `--check-health [--port N]`: one `GET /_emulator/health` on loopback, 0 when it answers 200.
fn check_health(args: &[String]) -> ExitCode {
    use std::io::{Read, Write};
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|at| args.get(at + 1))
        .and_then(|port| port.parse::<u16>().ok())
        .unwrap_or(9000);
    let timeout = std::time::Duration::from_secs(2);
    let answer = (|| -> std::io::Result<String> {
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.write_all(
            b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    })();
    match answer {
        Ok(answer) if answer.starts_with("HTTP/1.1 200") => ExitCode::SUCCESS,
        Ok(answer) => {
            eprintln!(
                "tencent-sms-emulator: unhealthy: {}",
                answer.lines().next().unwrap_or("")
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("tencent-sms-emulator: no emulator on port {port}: {e}");
            ExitCode::FAILURE
        }
    }
}
