//! `tencent-sms-emulator`: the container's command. The command line, its help, the health
//! check and the exit codes are the library's (`tencent_sms_emulator::cli::dispatch`), shared
//! with the npm command; only the wait for a signal is this binary's own.

use std::process::ExitCode;

use tencent_sms_emulator::cli::{self, Step, TOKEN_VAR};
use tencent_sms_emulator::RunningEmulator;

/// mimalloc: under load (the benchmark's tens of thousands of sends per second) the emulator
/// spent about a quarter of its CPU in glibc's `malloc` and `free`, CPU taken from the clients
/// it measures on the same machine.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match cli::dispatch(&args, std::env::var(TOKEN_VAR).ok()) {
        Step::Run(options) => *options,
        Step::Exit(exit) => return finish(&exit),
    };
    let mut emulator = match RunningEmulator::start(options).await {
        Ok(emulator) => emulator,
        Err(e) => {
            let bad_options = e.kind() == std::io::ErrorKind::InvalidInput;
            return finish(&cli::start_failure(&e.to_string(), bad_options));
        }
    };
    println!("{}", cli::banner(&emulator.url(), &emulator.state.options));
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

/// Prints what `exit` says and ends with its code.
fn finish(exit: &cli::Exit) -> ExitCode {
    if let Some(out) = &exit.stdout {
        println!("{out}");
    }
    if let Some(err) = &exit.stderr {
        eprintln!("{err}");
    }
    ExitCode::from(exit.code)
}
