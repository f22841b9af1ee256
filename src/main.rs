//! The `autotrack` binary: parse the command line, run it, print the error chain on failure.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's malloc: per-thread free lists without arena locks, and freed memory returned to the
/// system (bench/load.py: allocation was a fifth of a list request's CPU time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A `.env` in the working directory fills unset variables; real environment variables win.
    let _ = dotenvy::dotenv();
    let cli = autotrack::cli::Cli::parse();
    match autotrack::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
