//! The `autotrack` binary: parse the command line, run it, print the error chain on failure.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

/// mimalloc instead of glibc's malloc: per-thread free lists without arena locks, and freed memory returned to the
/// system (bench/load.py: allocation was a fifth of a list request's CPU time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Everything this process creates is private to its user: the database (whose outbox holds live codes and
    // reset links until sent), its WAL, generated keys, uploaded documents.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    // A `.env` in the working directory fills unset variables; real environment variables win. A malformed line or
    // an unknown `AUTOTRACK_*` name (in the file or the environment) stops here, as any bad setting does.
    let dotenv = std::path::Path::new(".env");
    let from_file =
        match autotrack::config::env_file::load(dotenv, &autotrack::cli::setting_names()) {
            Ok(names) => names,
            Err(err) => {
                eprintln!("error: {err:#}");
                return ExitCode::from(2);
            }
        };
    let cli = match autotrack::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let cmd = autotrack::cli::Cli::command();
            match autotrack::config::env_file::name_the_source(&err, &cmd, &from_file) {
                Some(message) => {
                    eprintln!("{message}");
                    return ExitCode::from(2);
                }
                None => err.exit(),
            }
        }
    };
    match autotrack::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            if err
                .downcast_ref::<autotrack::config::InvalidSettings>()
                .is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
