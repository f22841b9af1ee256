//! The command line (operations.md): `Cli` and its commands; `run` dispatches.

mod billing;
mod config_cmd;
mod demo;
mod mail;
mod ocr;
mod user;

pub use config_cmd::{example_env, setting_names};

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::{self, AppState};
use crate::config::{Config, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "autotrack",
    version,
    about = "AutoTrack: vehicles, maintenance, costs and documents, in one binary."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, then run the HTTP API and the scheduler until SIGINT/SIGTERM.
    Serve {
        #[command(flatten)]
        settings: Settings,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        settings: Settings,
    },
    /// Create a verified user (or set an existing user's password). The password comes from a prompt, stdin or a
    /// file, never from an argument.
    CreateUser {
        /// Email address of the account.
        #[arg(long)]
        email: String,
        /// Make the user an admin (`is_staff`).
        #[arg(long)]
        admin: bool,
        #[arg(long, default_value = "")]
        first_name: String,
        #[arg(long, default_value = "")]
        last_name: String,
        /// Read the password from the first line of standard input.
        #[arg(long, conflicts_with = "password_file")]
        password_stdin: bool,
        /// Read the password from the first line of this file.
        #[arg(long)]
        password_file: Option<std::path::PathBuf>,
        #[command(flatten)]
        settings: Settings,
    },
    /// Run every scheduled job once (or one, by name); exits non-zero if one failed.
    RunJobs {
        /// Only this job.
        #[arg(long)]
        job: Option<String>,
        #[command(flatten)]
        settings: Settings,
    },
    /// Fill the database with a demo account (vehicles, maintenances, garages, reviews) and print its login.
    SeedDemo {
        #[command(flatten)]
        settings: Settings,
    },
    /// Send a test mail synchronously through the configured SMTP server and print its answer.
    SendTestEmail {
        #[arg(long)]
        to: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Analyse one document file offline and print its text, detected type and fields.
    Ocr {
        /// The file (PDF, JPEG, PNG, WebP or GIF).
        file: std::path::PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// FILE is already extracted text (UTF-8): run only the type detection and field extraction on it.
        #[arg(long)]
        from_text: bool,
        /// Read the OCR models from this directory instead of the ones embedded in the binary.
        #[arg(long, env = "AUTOTRACK_MODELS_DIR")]
        models_dir: Option<std::path::PathBuf>,
    },
    /// Analyse one stored file under hard limits and answer in JSON (run by the server, not by people).
    #[command(hide = true)]
    AnalysisWorker(crate::documents::sandbox::WorkerArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// The mail outbox: what waits to be sent (and, with no SMTP server, the only place to read a login code).
    Outbox {
        #[command(subcommand)]
        action: mail::OutboxAction,
    },
    /// Plans: list them, set their Stripe price.
    Plans {
        #[command(subcommand)]
        action: billing::PlansAction,
    },
    /// Stripe events: process again those that failed.
    Events {
        #[command(subcommand)]
        action: billing::EventsAction,
    },
    /// Account administration.
    User {
        #[command(subcommand)]
        action: billing::UserAction,
    },
    /// Invitations to register, for AUTOTRACK_SIGNUPS=invite.
    Invite {
        #[command(subcommand)]
        action: user::InviteAction,
    },
    /// Ask a running server's /api/health/ and exit 0 when it is healthy (or degraded).
    Healthcheck {
        /// Base URL of the server (default: http:// and the address `serve` listens on).
        #[arg(long)]
        url: Option<String>,
        /// The listen address of `serve`, read from the same variable and `.env`.
        #[arg(long, env = "AUTOTRACK_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print a documented example `.env` with every setting and its default.
    Example,
    /// Print every setting's effective value and its source (flag, environment, .env line, default), secrets
    /// masked, then check them as `serve` would.
    Check {
        /// The settings, as flags (the environment and `.env` apply as for every command).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The worker is single-purpose and short-lived: no runtime, its limits first.
    if let Command::AnalysisWorker(args) = &cli.command {
        return Ok(crate::documents::sandbox::worker_main(args));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("while starting the runtime")?;
    runtime.block_on(dispatch(cli.command))
}

fn init_logs(settings: &Settings) {
    crate::telemetry::init(&settings.log, settings.log_format);
}

async fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { settings } => {
            init_logs(&settings);
            let config = Config::load(&settings)?;
            let _lock = crate::config::lock_for_serve(&config.data_dir)?;
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("while binding {}", config.listen))?;
            let bound = listener.local_addr()?;
            let state = start(config, bound)?;
            let c = &state.config;
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                address = %bound,
                data_dir = %crate::config::absolute(&c.data_dir).display(),
                docs = %format!("{}/api/docs", state.public_url),
                smtp = c.smtp.as_ref().map_or("not configured (mail waits in the outbox)", |s| s.host.as_str()),
                otp_policy = ?c.otp_policy,
                signups = ?c.signups,
                "listening"
            );
            if c.smtp.is_none() {
                tracing::warn!(
                    "SMTP is not configured (AUTOTRACK_SMTP_HOST): no mail is sent; login codes and reset links wait \
                     in the outbox, where `autotrack outbox show --to ADDRESS` prints them"
                );
            }
            app::serve(state, listener, app::shutdown_signal()).await?;
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { settings } => {
            init_logs(&settings);
            let config = Config::load(&settings)?;
            let (_, applied) =
                crate::db::migrate::open_and_migrate(&config.db_path(), config.db_synchronous)?;
            let db = crate::config::absolute(&config.db_path());
            for name in &applied {
                println!("applied {name}");
            }
            println!("database {} is up to date", db.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateUser {
            email,
            admin,
            first_name,
            last_name,
            password_stdin,
            password_file,
            settings,
        } => {
            init_logs(&settings);
            let password = user::read_password(password_stdin, password_file.as_deref())?;
            let state = offline_state(&settings)?;
            let (id, created) = crate::users::passwords::create_user(
                &state,
                &email,
                password,
                &first_name,
                &last_name,
                admin,
            )
            .await?;
            let role = if admin { "admin" } else { "user" };
            if created {
                println!("created {role} {} (id {id})", email.trim().to_lowercase());
            } else {
                println!(
                    "updated {} (id {id}): new password{}",
                    email.trim().to_lowercase(),
                    if admin { ", admin" } else { "" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::RunJobs { job, settings } => {
            init_logs(&settings);
            let state = offline_state(&settings)?;
            let reports = crate::scheduler::run_once(&state, job.as_deref()).await?;
            let mut failed = false;
            for r in &reports {
                failed |= r.status == "failed";
                println!("{}", serde_json::to_string(r)?);
            }
            let ok = reports.iter().filter(|r| r.status != "failed").count();
            eprintln!(
                "{} jobs: {ok} ok, {} failed",
                reports.len(),
                reports.len() - ok
            );
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::SeedDemo { settings } => {
            init_logs(&settings);
            demo::command(&offline_state(&settings)?).await
        }
        Command::SendTestEmail { to, settings } => {
            init_logs(&settings);
            mail::send_test_email(&offline_state(&settings)?, &to).await
        }
        Command::Plans { action } => {
            init_logs(action.settings());
            billing::plans(&offline_state(action.settings())?, action).await
        }
        Command::Events { action } => {
            init_logs(action.settings());
            billing::events(&offline_state(action.settings())?, action).await
        }
        Command::User { action } => {
            init_logs(action.settings());
            billing::user(&offline_state(action.settings())?, action).await
        }
        Command::Outbox { action } => {
            init_logs(action.settings());
            let state = offline_state(action.settings())?;
            mail::outbox(&state, action).await
        }
        Command::Ocr {
            file,
            json,
            from_text,
            models_dir,
        } => {
            crate::telemetry::init(
                &std::env::var("AUTOTRACK_LOG").unwrap_or_else(|_| "warn".to_owned()),
                None,
            );
            ocr::ocr_command(&file, json, from_text, models_dir.as_deref())
        }
        Command::AnalysisWorker(args) => Ok(crate::documents::sandbox::worker_main(&args)),
        Command::Openapi => {
            println!("{}", crate::docs::document_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Invite {
            action:
                user::InviteAction::Create {
                    email,
                    days,
                    settings,
                },
        } => {
            init_logs(&settings);
            let state = offline_state(&settings)?;
            user::invite(&state, &email, days).await
        }
        Command::Healthcheck { url, listen } => {
            user::healthcheck(&user::health_url(url.as_deref(), listen)).await
        }
        Command::Config {
            action: ConfigAction::Example,
        } => {
            print!("{}", example_env());
            Ok(ExitCode::SUCCESS)
        }
        Command::Config {
            action: ConfigAction::Check { args },
        } => config_cmd::check(&args),
    }
}

/// State for commands that work on the data directory without serving.
fn offline_state(settings: &Settings) -> anyhow::Result<AppState> {
    crate::config::existing_installation(&settings.data_dir)?;
    let config = Config::load(settings)?;
    tracing::info!(data_dir = %crate::config::absolute(&config.data_dir).display(), "installation");
    let listen = config.listen;
    start(config, listen)
}

/// Start-up: the state is built (migrating the database), then the settings that name domain data are checked
/// (the default plan exists and is active: migrations seed the plans).
fn start(config: Config, bound: std::net::SocketAddr) -> anyhow::Result<AppState> {
    let state = AppState::build(config, bound)?;
    let conn =
        crate::db::open_connection(&state.config.db_path(), state.config.db_synchronous, true)?;
    crate::plans::service::check_default_plan(&conn, &state.config.default_plan)?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    /// Every setting is documented in the README with its default (the table is generated from the same clap
    /// definitions by `autotrack config example`).
    #[test]
    fn readme_lists_every_setting() {
        let readme = include_str!("../../README.md");
        for line in super::example_env()
            .lines()
            .filter(|l| l.starts_with("#AUTOTRACK_"))
        {
            let (name, default) = line.trim_start_matches('#').split_once('=').unwrap();
            let shown = if default.is_empty() {
                "unset".to_owned()
            } else {
                format!("`{default}`")
            };
            assert!(
                readme.contains(&format!("| `{name}` | {shown} |")),
                "README lacks {name} (default {shown})"
            );
        }
    }

    /// The example shipped in `packaging/` is what `autotrack config example` prints today.
    #[test]
    fn packaged_env_example_is_current() {
        assert_eq!(
            include_str!("../../packaging/autotrack.env.example"),
            super::example_env(),
            "regenerate it: autotrack config example > packaging/autotrack.env.example"
        );
    }
}
