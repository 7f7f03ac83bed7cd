//! The `tencent-sms-emulator` command: one parser, one help text and one health check for both
//! of its shipments, the Rust binary (the container's) and the npm package's command (through
//! the emulator's addon), so the two cannot drift apart.

use std::time::Duration;

use crate::options::{AccessToken, EmulatorOptions};
use crate::tls::{validate_tls, EmulatorTls, TlsPart};

/// What `--help` prints, and what follows every usage error.
pub const USAGE: &str =
    "usage: tencent-sms-emulator [--host 127.0.0.1] [--port 0] [--config emulator.json]
                           [--tls-cert cert.pem --tls-key key.pem] [--listen-on-network]
       tencent-sms-emulator --check-health [--port 9000]

Emulates Tencent Cloud SMS (API 2021-01-11) for local end-to-end tests, until Ctrl-C or SIGTERM.
  --host H        loopback address to listen on: 127.0.0.1 (default), ::1 or localhost;
                  other addresses only with --listen-on-network
  --listen-on-network
                  listen on a network address on purpose (0.0.0.0 in a container): the page
                  and the control API then require the access token in the environment
                  variable TENCENT_SMS_EMULATOR_TOKEN (16+ characters), as a bearer token or
                  through the page's login; the SMS API stays open, as Tencent's is
  --port N        port to listen on; 0 picks a free one (default 0, or the config's)
  --config FILE   JSON options: credentials, apps, frequencyLimitSeconds, maxClockSkewSeconds,
                  readTimeoutMs (see the README); the flags override it; without it the
                  documented demo defaults are used
  --tls-cert FILE --tls-key FILE
                  serve HTTPS with this PEM certificate (chain) and private key
  --check-health  exit 0 if an emulator answers GET /_emulator/health on 127.0.0.1:PORT
Endpoints: POST / (the API), GET|DELETE /_emulator/messages, POST /_emulator/faults,
           GET /_emulator/stats, GET /_emulator/health; the page is at /.
Exit codes: 0 stopped (or healthy), 1 cannot listen (or unhealthy), 2 bad usage.";

/// Where `--listen-on-network` reads its access token: the environment, not the command line,
/// which every user of the machine can read.
pub const TOKEN_VAR: &str = "TENCENT_SMS_EMULATOR_TOKEN";

/// The port `--check-health` asks without `--port`: the container's.
pub const HEALTH_CHECK_PORT: u16 = 9000;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Run an emulator with these options until Ctrl-C or SIGTERM.
    Run(Box<EmulatorOptions>),
    /// Print [`USAGE`].
    Help,
    /// Ask the emulator on `127.0.0.1:port` whether it is up.
    CheckHealth {
        /// The port it listens on.
        port: u16,
    },
}

/// Exit codes of both shipments.
const EXIT_OK: u8 = 0;
const EXIT_FAILURE: u8 = 1;
const EXIT_USAGE: u8 = 2;

/// The command's end without an emulator to run: what it prints and its exit code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exit {
    /// For stdout (the help).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdout: Option<String>,
    /// For stderr (what went wrong).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
    /// 0 done (or healthy), 1 cannot listen (or unhealthy), 2 bad usage.
    pub code: u8,
}

/// What the command does with its arguments: end, or run an emulator.
#[derive(Debug)]
pub enum Step {
    /// Print and exit.
    Exit(Exit),
    /// Run an emulator with these options until Ctrl-C or SIGTERM.
    Run(Box<EmulatorOptions>),
}

/// The whole command line of both shipments: help, usage errors, the health check and their
/// exit codes, or the options to run with. `token`: the value of [`TOKEN_VAR`].
pub fn dispatch(args: &[String], token: Option<String>) -> Step {
    match parse(args, token) {
        Ok(Command::Run(options)) => Step::Run(options),
        Ok(Command::Help) => Step::Exit(Exit {
            stdout: Some(USAGE.to_owned()),
            stderr: None,
            code: EXIT_OK,
        }),
        Ok(Command::CheckHealth { port }) => Step::Exit(match check_health(port) {
            Ok(()) => Exit {
                stdout: None,
                stderr: None,
                code: EXIT_OK,
            },
            Err(why) => failure(&why),
        }),
        Err(message) => Step::Exit(usage_error(&message)),
    }
}

/// Why an emulator could not start: options it refuses are bad usage, anything else means it
/// cannot listen.
pub fn start_failure(message: &str, bad_options: bool) -> Exit {
    if bad_options {
        usage_error(message)
    } else {
        failure(&format!("cannot listen: {message}"))
    }
}

fn failure(why: &str) -> Exit {
    Exit {
        stdout: None,
        stderr: Some(format!("tencent-sms-emulator: {why}")),
        code: EXIT_FAILURE,
    }
}

fn usage_error(message: &str) -> Exit {
    Exit {
        stdout: None,
        stderr: Some(format!("tencent-sms-emulator: {message}\n\n{USAGE}")),
        code: EXIT_USAGE,
    }
}

/// The flags as given, before the files they name are read.
#[derive(Default)]
struct Flags {
    host: Option<String>,
    port: Option<u16>,
    config: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    listen_on_network: bool,
    check_health: bool,
}

/// Parses the arguments (without the program's name). `token` is the value of [`TOKEN_VAR`]
/// (empty is unset); the files named are read here, so an error names the flag and the file.
pub fn parse(args: &[String], token: Option<String>) -> Result<Command, String> {
    let Some(flags) = read_flags(args)? else {
        return Ok(Command::Help);
    };
    if flags.check_health {
        return Ok(Command::CheckHealth {
            port: flags.port.unwrap_or(HEALTH_CHECK_PORT),
        });
    }
    let mut options = match &flags.config {
        Some(path) => crate::options::from_json(&read_file(path)?)
            .map_err(|e| format!("--config {path}: {e}"))?,
        None => EmulatorOptions::default(),
    };
    if let Some(host) = flags.host {
        options.host = host;
    }
    if let Some(port) = flags.port {
        options.port = port;
    }
    if flags.listen_on_network {
        let token = token.filter(|token| !token.is_empty()).ok_or(format!(
            "--listen-on-network needs the access token in {TOKEN_VAR}"
        ))?;
        options.listen_on_network = true;
        options.access_token = Some(AccessToken(token));
    }
    match (flags.cert, flags.key) {
        (Some(cert), Some(key)) => options.tls = Some(read_tls(&cert, &key)?),
        (None, None) => {}
        _ => return Err("--tls-cert and --tls-key go together".to_owned()),
    }
    Ok(Command::Run(Box::new(options)))
}

/// The flags, or `None` for `--help`.
fn read_flags(args: &[String]) -> Result<Option<Flags>, String> {
    use lexopt::prelude::*;
    let mut flags = Flags::default();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("host") => flags.host = Some(flag_value(&mut parser, "--host")?),
            Long("port") => {
                let port = flag_value(&mut parser, "--port")?;
                flags.port = Some(
                    port.parse::<u16>()
                        .map_err(|_| "--port must be a number from 0 to 65535".to_owned())?,
                );
            }
            Long("config") => flags.config = Some(flag_value(&mut parser, "--config")?),
            Long("tls-cert") => flags.cert = Some(flag_value(&mut parser, "--tls-cert")?),
            Long("tls-key") => flags.key = Some(flag_value(&mut parser, "--tls-key")?),
            Long("listen-on-network") => flags.listen_on_network = true,
            Long("check-health") => flags.check_health = true,
            Short(c) => return Err(format!("unknown argument `-{c}`")),
            Long(name) => return Err(format!("unknown argument `--{name}`")),
            Value(v) => return Err(format!("unknown argument `{}`", v.to_string_lossy())),
        }
    }
    Ok(Some(flags))
}

/// The value after `name`.
fn flag_value(parser: &mut lexopt::Parser, name: &str) -> Result<String, String> {
    parser
        .value()
        .map_err(|_| format!("{name} needs a value"))?
        .into_string()
        .map_err(|_| format!("{name} must be text"))
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

/// What the command prints once it listens: where, and the demo's keys to point a connector at.
pub fn banner(url: &str, options: &EmulatorOptions) -> String {
    let secret_id = options
        .credentials
        .first()
        .map_or("(none)", |c| c.secret_id.as_str());
    let app = options
        .apps
        .first()
        .map_or("(none)", |a| a.sdk_app_id.as_str());
    format!(
        "Tencent SMS emulator listening on {url}\nSecretId {secret_id}, SdkAppId {app}; inbox: {url}/_emulator/messages"
    )
}

/// One `GET /_emulator/health` on `127.0.0.1:port` (the container's health check, where there
/// is no shell or curl): `Ok` when it answers 200, else why not.
pub fn check_health(port: u16) -> Result<(), String> {
    use std::io::{Read, Write};
    let timeout = Duration::from_secs(2);
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
        Ok(answer) if answer.starts_with("HTTP/1.1 200") => Ok(()),
        Ok(answer) => Err(format!(
            "unhealthy: {}",
            answer.lines().next().unwrap_or("")
        )),
        Err(e) => Err(format!("no emulator on port {port}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn exit_of(list: &[&str]) -> Exit {
        match dispatch(&args(list), None) {
            Step::Exit(exit) => exit,
            Step::Run(_) => panic!("{list:?} runs an emulator"),
        }
    }

    #[test]
    fn dispatch_gives_both_shipments_their_output_and_exit_codes() {
        let help = exit_of(&["--help"]);
        assert_eq!((help.stdout.as_deref(), help.code), (Some(USAGE), 0));
        let bad = exit_of(&["--nope"]);
        assert_eq!(bad.code, 2);
        assert!(bad.stderr.as_deref().unwrap().ends_with(USAGE));
        // Port 1 (tcpmux): nothing listens there on a test machine.
        let unhealthy = exit_of(&["--check-health", "--port", "1"]);
        assert_eq!(unhealthy.code, 1);
        assert!(unhealthy
            .stderr
            .unwrap()
            .starts_with("tencent-sms-emulator: no emulator"));
        assert!(matches!(dispatch(&args(&[]), None), Step::Run(_)));
        let cannot = start_failure("address in use", false);
        assert_eq!(
            (cannot.code, cannot.stderr.unwrap().as_str()),
            (1, "tencent-sms-emulator: cannot listen: address in use")
        );
        assert_eq!(start_failure("host is not loopback", true).code, 2);
    }

    fn run(list: &[&str], token: Option<&str>) -> Result<EmulatorOptions, String> {
        match parse(&args(list), token.map(str::to_owned))? {
            Command::Run(options) => Ok(*options),
            other => panic!("not a run: {other:?}"),
        }
    }

    #[test]
    fn flags_override_the_config_whatever_their_order() {
        let dir = std::env::temp_dir().join(format!("emulator-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("emulator.json");
        std::fs::write(&config, r#"{ "port": 9100, "frequencyLimitSeconds": 0 }"#).unwrap();
        let config = config.to_str().unwrap();
        let from_config = run(&["--config", config], None).unwrap();
        assert_eq!(
            (from_config.port, from_config.frequency_limit_seconds),
            (9100, 0)
        );
        let token = Some("a-token-of-sixteen-chars");
        let flags_first = run(
            &["--listen-on-network", "--port=9200", "--config", config],
            token,
        )
        .unwrap();
        assert!(flags_first.listen_on_network);
        assert_eq!(
            (flags_first.port, flags_first.frequency_limit_seconds),
            (9200, 0)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn usage_errors_name_the_flag() {
        let error = |list: &[&str]| run(list, None).unwrap_err();
        assert!(error(&["--bogus"]).contains("unknown argument `--bogus`"));
        assert!(error(&["stray"]).contains("unknown argument `stray`"));
        assert!(error(&["--port", "70000"]).contains("--port must be a number from 0 to 65535"));
        assert!(error(&["--port"]).contains("--port needs a value"));
        assert!(error(&["--tls-key", "k.pem"]).contains("go together"));
        assert!(error(&["--listen-on-network"]).contains(TOKEN_VAR));
        let empty = parse(&args(&["--listen-on-network"]), Some(String::new())).unwrap_err();
        assert!(
            empty.contains(TOKEN_VAR),
            "an empty token is no token: {empty}"
        );
        assert!(error(&["--config", "/nonexistent/e.json"]).contains("cannot read"));
    }

    #[test]
    fn help_and_health_are_commands_of_their_own() {
        assert!(matches!(parse(&args(&["-h"]), None), Ok(Command::Help)));
        assert!(matches!(
            parse(&args(&["--port", "7", "--help"]), None),
            Ok(Command::Help)
        ));
        assert!(matches!(
            parse(&args(&["--check-health"]), None),
            Ok(Command::CheckHealth {
                port: HEALTH_CHECK_PORT
            })
        ));
        assert!(matches!(
            parse(&args(&["--check-health", "--port", "9001"]), None),
            Ok(Command::CheckHealth { port: 9001 })
        ));
    }

    #[test]
    fn the_banner_names_the_demo_keys() {
        let banner = banner("http://127.0.0.1:9000", &EmulatorOptions::default());
        assert!(banner.starts_with("Tencent SMS emulator listening on http://127.0.0.1:9000\n"));
        assert!(banner.contains("SecretId AKID"), "{banner}");
        assert!(banner.ends_with("inbox: http://127.0.0.1:9000/_emulator/messages"));
    }
}
