//! The `tencent-sms-emulator` binary: `--help`, `--port`, `--config`, `--tls-cert`/`--tls-key`,
//! the HTTP inbox and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use tencent_sms_runtime::{send_message, ClientOptions, Connector};

const BIN: &str = env!("CARGO_BIN_EXE_tencent-sms-emulator");

#[test]
fn help_and_bad_arguments() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--config FILE"));
    let bad = Command::new(BIN).arg("--nope").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown argument"));
    let bad_config = Command::new(BIN)
        .args(["--config", "/nonexistent/emulator.json"])
        .output()
        .unwrap();
    assert_eq!(bad_config.status.code(), Some(2));
    let public = Command::new(BIN)
        .args(["--host", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(public.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&public.stderr).contains("host must be a loopback address"));
    let no_token = Command::new(BIN)
        .args(["--listen-on-network", "--host", "0.0.0.0"])
        .env_remove("TENCENT_SMS_EMULATOR_TOKEN")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("TENCENT_SMS_EMULATOR_TOKEN"));
    let nobody = tencent_sms_runtime::testing::RefusedPort::reserve();
    let free = nobody.port.to_string();
    let unhealthy = Command::new(BIN)
        .args(["--check-health", "--port", &free])
        .output()
        .unwrap();
    assert_eq!(unhealthy.status.code(), Some(1));
    let half_tls = Command::new(BIN)
        .args(["--tls-cert", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(half_tls.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&half_tls.stderr).contains("--tls-cert and --tls-key go together")
    );
    let not_pem = Command::new(BIN)
        .args(["--tls-cert", "/dev/null", "--tls-key", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(not_pem.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_pem.stderr).contains("--tls-cert /dev/null: is empty"));
}

/// A PEM block of an encrypted PKCS #8 key (its content is never decoded).
const ENCRYPTED_KEY: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n";

#[test]
fn bad_certificate_and_key_files_are_named_with_their_flag() {
    let dir = std::env::temp_dir().join(format!("emulator-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let names = vec!["localhost".to_owned()];
    let (first, other) = (
        rcgen::generate_simple_self_signed(names.clone()).unwrap(),
        rcgen::generate_simple_self_signed(names).unwrap(),
    );
    let cert = write("cert.pem", &first.cert.pem());
    let key = write("key.pem", &first.signing_key.serialize_pem());
    let other_key = write("other-key.pem", &other.signing_key.serialize_pem());
    let garbage = write("garbage.pem", "hello, not PEM\n");
    let empty = write("empty.pem", "");
    let encrypted = write("encrypted.pem", ENCRYPTED_KEY);
    let cases = [
        (&garbage, &key, format!("--tls-cert {garbage}: holds no PEM certificate")),
        (&empty, &key, format!("--tls-cert {empty}: is empty")),
        (&cert, &empty, format!("--tls-key {empty}: is empty")),
        (&cert, &garbage, format!("--tls-key {garbage}: is not a PEM private key")),
        (&key, &cert, format!("--tls-cert {key}: holds a private key, not a certificate: are the certificate and the key swapped?")),
        (&cert, &cert, format!("--tls-key {cert}: holds a certificate, not a private key")),
        (&cert, &encrypted, format!("--tls-key {encrypted}: is encrypted")),
        (&cert, &other_key, format!("--tls-key {other_key}: does not fit the first certificate of the chain")),
    ];
    for (cert, key, expected) in cases {
        let out = Command::new(BIN)
            .args(["--tls-cert", cert, "--tls-key", key])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{expected}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&expected),
            "wanted {expected:?} in {stderr}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts `command` and reads the line it prints once it listens; the rest of its output is
/// drained in the background, so the pipe stays open while it runs.
fn started(command: &mut Command) -> (std::process::Child, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, line)
}

#[tokio::test]
async fn serves_a_configured_app_and_its_inbox() {
    let dir = std::env::temp_dir().join(format!("emulator-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config_path = dir.join("emulator.json");
    std::fs::write(
        &config_path,
        json!({
            "credentials": [{ "secretId": "AKIDbin", "secretKey": "bin-secret" }],
            "apps": [{ "sdkAppId": "1400777777", "signNames": ["Bin"],
                       "templates": [{ "templateId": "55", "content": "Bin code {1}", "international": false }] }],
            "frequencyLimitSeconds": 0
        })
        .to_string(),
    )
    .unwrap();
    let (mut child, line) =
        started(Command::new(BIN).args(["--port", "0", "--config", config_path.to_str().unwrap()]));
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");

    let templates = tencent_sms_core::testing::four_templates("55");
    let config = json!({ "accessKeyId": "AKIDbin", "accessKeySecret": "bin-secret", "signName": "Bin",
        "sdkAppId": "1400777777", "region": "ap-guangzhou", "endpoint": url, "templates": templates });
    let client = Connector::new(ClientOptions::default());
    let data = json!({ "to": "8613711112222", "type": "SignIn", "payload": { "code": "4242" } });
    send_message(&client, &config, &data).await.unwrap();

    let inbox: Value = tencent_sms_runtime::testing::get(format!("{url}/_emulator/messages"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox[0]["content"], "【Bin】Bin code 4242");
    let port = url.rsplit(':').next().unwrap();
    let healthy = Command::new(BIN)
        .args(["--check-health", "--port", port])
        .output()
        .unwrap();
    assert!(
        healthy.status.success(),
        "the container's health check passes"
    );

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "stops cleanly on SIGTERM: {status}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The JSON array of a Dockerfile instruction (`CMD [...]`), joined over continued lines.
fn dockerfile_array(dockerfile: &str, instruction: &str) -> Vec<String> {
    let joined = dockerfile.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|line| line.trim_start().starts_with(instruction))
        .unwrap_or_else(|| panic!("the Dockerfile has {instruction}"));
    let array = &line[line.find('[').unwrap()..=line.rfind(']').unwrap()];
    serde_json::from_str(array).unwrap()
}

#[test]
fn the_container_image_runs_what_its_dockerfile_says_and_its_health_check_passes() {
    let dockerfile = include_str!("../../../docker/emulator.Dockerfile");
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = nobody.local_addr().unwrap().port().to_string();
    drop(nobody);
    // The image's command, on loopback and a free port instead of 0.0.0.0:9000.
    let command: Vec<String> = dockerfile_array(dockerfile, "CMD")
        .into_iter()
        .map(|arg| match arg.as_str() {
            "0.0.0.0" => "127.0.0.1".to_owned(),
            "9000" => port.clone(),
            _ => arg,
        })
        .collect();
    assert!(command.contains(&"--listen-on-network".to_owned()));
    let (mut child, line) = started(
        Command::new(BIN)
            .args(&command)
            .env("TENCENT_SMS_EMULATOR_TOKEN", "dockerfile-test-token-123"),
    );
    assert!(line.contains("listening on"), "{line}");
    let health: Vec<String> = dockerfile_array(dockerfile, "HEALTHCHECK")
        .into_iter()
        .skip(1) // the binary's path in the image
        .map(|arg| if arg == "9000" { port.clone() } else { arg })
        .collect();
    let checked = Command::new(BIN).args(&health).output().unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
