//! The checked-in fuzz corpus runs as a plain regression test: every input that ever found a
//! problem (and every seed) must pass the fuzz targets' own checks.

use std::path::Path;

use tencent_sms_core::fuzzing::{
    check_config_validator, check_phone_normalizer, check_response_parser, is_send_sms_success,
};

/// Runs `check` on every input of `target`'s corpus and returns the inputs.
fn run_corpus(target: &str, check: fn(&[u8])) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails {target}", path.display());
        inputs.push(data);
    }
    assert!(
        inputs.len() >= 10,
        "the {target} corpus has only {} inputs",
        inputs.len()
    );
    inputs
}

#[test]
fn config_validator_corpus() {
    run_corpus("config_validator", check_config_validator);
}

#[test]
fn response_parser_corpus() {
    let inputs = run_corpus("response_parser", check_response_parser);
    let successes = inputs
        .iter()
        .filter(|body| is_send_sms_success(body))
        .count();
    assert!(successes >= 1, "the corpus exercises the success property");
}

#[test]
fn phone_normalizer_corpus() {
    run_corpus("phone_normalizer", check_phone_normalizer);
}
