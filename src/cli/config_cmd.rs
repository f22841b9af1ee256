//! The `config` commands and the settings' names: `config example` (a documented `.env`), `config check` (every
//! setting's effective value and where it came from, secrets masked, then the checks `serve` makes), and the
//! names the strict `.env` check knows.

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

use crate::config::{Config, Settings, env_file};

/// The settings alone, as one command.
#[derive(Parser)]
struct Only {
    #[command(flatten)]
    settings: Settings,
}

/// `args`: the flags given after `config check`.
pub fn check(args: &[String]) -> anyhow::Result<ExitCode> {
    let cmd = Only::command().no_binary_name(true);
    let matches = cmd.clone().try_get_matches_from(args)?;
    for arg in cmd.get_arguments() {
        let Some(env) = arg.get_env().and_then(|e| e.to_str()) else {
            continue;
        };
        let id = arg.get_id().as_str();
        let raw: Vec<String> = matches
            .get_raw(id)
            .map(|v| v.map(|x| x.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let value = if raw.is_empty() {
            "(unset)".to_owned()
        } else if arg.is_hide_env_values_set() {
            "******** (secret)".to_owned()
        } else {
            raw.join(",")
        };
        let source = match matches.value_source(id) {
            Some(ValueSource::CommandLine) => "flag".to_owned(),
            Some(ValueSource::EnvVariable) => match env_file::line_of(env) {
                Some(line) => format!(".env, line {line}"),
                None => "environment".to_owned(),
            },
            Some(ValueSource::DefaultValue) => "default".to_owned(),
            _ => "default".to_owned(),
        };
        println!("{env}={value}  # {source}");
    }
    let settings = Only::from_arg_matches(&matches)?.settings;
    let dir = crate::config::absolute(&settings.data_dir);
    println!("# data directory: {}", dir.display());
    // The full check prepares the data directory (keys are generated there): only on an existing installation.
    if crate::config::existing_installation(&settings.data_dir).is_err() {
        println!("# no installation there yet: `autotrack migrate` or `serve` creates it");
        return Ok(ExitCode::SUCCESS);
    }
    Config::load(&settings)?;
    println!("# settings OK");
    Ok(ExitCode::SUCCESS)
}

/// The variable names of every command's settings.
pub fn setting_names() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        out.extend(
            cmd.get_arguments()
                .filter_map(|a| a.get_env())
                .map(|e| e.to_string_lossy().into_owned()),
        );
        cmd.get_subcommands().for_each(|s| walk(s, out));
    }
    let mut out = Vec::new();
    walk(&super::Cli::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

/// Every `AUTOTRACK_*` setting with its help text and default, as a commented `.env` (built from the clap
/// definitions, so it cannot drift from `--help`).
pub fn example_env() -> String {
    let mut out = String::from(
        "# AutoTrack settings. Uncomment and change what you need; real environment variables win.\n",
    );
    for arg in Only::command().get_arguments() {
        let Some(env) = arg.get_env().and_then(|e| e.to_str()) else {
            continue;
        };
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let default: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        out.push_str(&format!("\n# {help}\n#{env}={}\n", default.join(",")));
    }
    out
}
