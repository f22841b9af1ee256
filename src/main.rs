//! The `autotrack` binary: parse the command line, run it, print the error chain on failure.

use std::process::ExitCode;

use clap::Parser;

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
