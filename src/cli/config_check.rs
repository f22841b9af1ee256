//! `autotrack config check`: every setting's effective value and where it came from (flag, environment, `.env`
//! line, default), secrets masked, then the same checks `serve` makes.

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

use crate::config::{Config, Settings, env_file};

#[derive(Parser)]
struct Only {
    #[command(flatten)]
    settings: Settings,
}

/// `args`: the flags given after `config check`.
pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
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
