//! `tencent-sms-emulator`: the container's command. The command line, its help and the health
//! check are the library's (`tencent_sms_emulator::cli`), shared with the npm command.

use std::process::ExitCode;

use tencent_sms_emulator::cli::{self, Command, TOKEN_VAR, USAGE};
use tencent_sms_emulator::RunningEmulator;

/// mimalloc: under load (the benchmark's tens of thousands of sends per second) the emulator
/// spent about a quarter of its CPU in glibc's `malloc` and `free`, CPU taken from the clients
/// it measures on the same machine.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match cli::parse(&args, std::env::var(TOKEN_VAR).ok()) {
        Ok(Command::Run(options)) => *options,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::CheckHealth { port }) => {
            return match cli::check_health(port) {
                Ok(()) => ExitCode::SUCCESS,
                Err(why) => {
                    eprintln!("tencent-sms-emulator: {why}");
                    ExitCode::FAILURE
                }
            };
        }
        Err(message) => return usage_error(&message),
    };
    let mut emulator = match RunningEmulator::start(options).await {
        Ok(emulator) => emulator,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            return usage_error(&e.to_string())
        }
        Err(e) => {
            eprintln!("tencent-sms-emulator: cannot listen: {e}");
            return ExitCode::FAILURE;
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

/// Bad usage: the problem, the usage, exit code 2.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("tencent-sms-emulator: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
