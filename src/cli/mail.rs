//! The mail commands: `send-test-email`, and `outbox list` / `outbox show`, which let the operator read what the
//! server would have mailed (a login code, a reset link) when no SMTP server is configured. They print to the
//! operator's terminal, never to the logs.

use std::process::ExitCode;

use anyhow::Context;
use chrono::Datelike;
use clap::Subcommand;

use crate::app::AppState;
use crate::config::Settings;
use crate::mail::outbox::{self, Listed};

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// List the newest mails still waiting to be sent (all of them with --all).
    List {
        /// Only mails to this address.
        #[arg(long)]
        to: Option<String>,
        /// Include sent, failed and expired mails.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=1000))]
        limit: i64,
        #[command(flatten)]
        settings: Settings,
    },
    /// Print one mail as it would be sent: the one with this id, else the newest to --to, else the newest.
    Show {
        id: Option<i64>,
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        settings: Settings,
    },
}

impl OutboxAction {
    pub fn settings(&self) -> &Settings {
        match self {
            OutboxAction::List { settings, .. } | OutboxAction::Show { settings, .. } => settings,
        }
    }
}

pub async fn outbox(state: &AppState, action: OutboxAction) -> anyhow::Result<ExitCode> {
    match action {
        OutboxAction::List { to, all, limit, .. } => {
            let to = to.map(|t| t.trim().to_owned());
            let rows = state
                .db
                .read(move |c| Ok(outbox::list(c, to.as_deref(), all, limit)?))
                .await?;
            if rows.is_empty() {
                println!(
                    "{}",
                    if all {
                        "the outbox is empty"
                    } else {
                        "no mail is waiting"
                    }
                );
            }
            for row in &rows {
                println!("{}", summary(row));
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxAction::Show { id, to, .. } => {
            let to = to.map(|t| t.trim().to_owned());
            let what = match (id, &to) {
                (Some(id), _) => format!("mail #{id}"),
                (None, Some(to)) => format!("mail to {to}"),
                (None, None) => "mail".to_owned(),
            };
            let row = state
                .db
                .read(move |c| Ok(outbox::find(c, id, to.as_deref())?))
                .await?
                .with_context(|| format!("no {what} in the outbox"))?;
            print!("{}", shown(state, &row)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn summary(row: &Listed) -> String {
    // To the second, in UTC: "2026-12-07 18:50:59Z".
    let queued: String = row
        .created_at
        .chars()
        .take(19)
        .collect::<String>()
        .replace('T', " ")
        + "Z";
    let mut line = format!(
        "#{:<5} {:<8} {} {:<20} {}",
        row.id, row.status, queued, row.template, row.to
    );
    if row.attempts > 0 {
        line.push_str(&format!("  ({} attempts", row.attempts));
        if let Some(e) = &row.last_error {
            line.push_str(&format!(
                ", last: {}",
                e.chars().take(120).collect::<String>()
            ));
        }
        line.push(')');
    }
    line
}

/// The mail's headers and text as the recipient would read them.
fn shown(state: &AppState, row: &Listed) -> anyhow::Result<String> {
    let context: serde_json::Value =
        serde_json::from_str(&row.context).context("the mail's stored context is not JSON")?;
    let lang = crate::i18n::Lang::from_setting(&row.language);
    let mail = state
        .templates
        .render(&row.template, lang, &context, state.clock.now().year())?;
    let mut out = format!(
        "{}\nTo: {}\nSubject: {}\n\n{}\n",
        summary(row),
        row.to,
        mail.subject,
        mail.text.trim_end()
    );
    if matches!(row.status.as_str(), "sent" | "failed" | "expired") {
        // Codes and links leave the row when it reaches a final status (mail.md §1).
        out.push_str("\n(this mail is no longer waiting: its codes and links were removed from the outbox)\n");
    }
    Ok(out)
}

pub async fn send_test_email(state: &AppState, to: &str) -> anyhow::Result<ExitCode> {
    let mailer = state
        .mailer
        .clone()
        .context("SMTP is not configured: set AUTOTRACK_SMTP_HOST")?;
    let site = &state.config.site_name;
    let mail = crate::mail::Rendered {
        subject: format!("{site} test message"),
        text: format!("This is a test message from {site}. Mail delivery works.\n"),
        html: format!("<p>This is a test message from {site}. Mail delivery works.</p>"),
    };
    let answer = mailer
        .send(to, &mail, None)
        .await
        .context("the SMTP server refused the message")?;
    println!("sent to {to}; server answered: {answer}");
    Ok(ExitCode::SUCCESS)
}
