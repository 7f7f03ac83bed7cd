//! Shared by the emulator's integration tests.

use tencent_sms_emulator::{EmulatorOptions, RunningEmulator};

/// The demo emulator with the frequency limit off, so tests can send freely.
pub(crate) async fn emulator() -> RunningEmulator {
    RunningEmulator::start(EmulatorOptions {
        frequency_limit_seconds: 0,
        ..Default::default()
    })
    .await
    .unwrap()
}
