//! The billing commands: `plans list`, `plans set-price PLAN PRICE_ID` and `user set-plan EMAIL PLAN` (an
//! operator without a Stripe account still grants plans), and `events retry` (Stripe events that failed).

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::app::AppState;
use crate::config::Settings;
use crate::db::{parse_ts, ts};

#[derive(Debug, Subcommand)]
pub enum PlansAction {
    /// List every plan: code, name, price, state, Stripe price and how many subscribers it has.
    List {
        #[command(flatten)]
        settings: Settings,
    },
    /// Set the recurring monthly Stripe price of a plan (`price_…`), or remove it with `none`.
    SetPrice {
        plan: String,
        price_id: String,
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Give a user a plan without payment (a locally managed subscription, as an admin's assignment).
    SetPlan {
        email: String,
        plan: String,
        /// End of the period (a date or datetime, UTC); default: open-ended.
        #[arg(long)]
        until: Option<String>,
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventsAction {
    /// Process again the Stripe events that failed or were never processed, oldest first (or one, by id).
    Retry {
        /// The event's id in the event log (default: every one not processed).
        id: Option<i64>,
        #[command(flatten)]
        settings: Settings,
    },
}

impl EventsAction {
    pub fn settings(&self) -> &Settings {
        match self {
            EventsAction::Retry { settings, .. } => settings,
        }
    }
}

/// `events retry`: one line per event with its outcome; exit 1 when one still fails.
pub async fn events(state: &AppState, action: EventsAction) -> anyhow::Result<ExitCode> {
    let EventsAction::Retry { id, .. } = action;
    let ids: Vec<i64> = match id {
        Some(id) => vec![id],
        None => state
            .db
            .read(|c| Ok(crate::billing::repo::unprocessed(c)?))
            .await?
            .into_iter()
            .map(|e| e.id)
            .collect(),
    };
    if ids.is_empty() {
        println!("every Stripe event is processed");
    }
    let mut failed = 0;
    for id in ids {
        match crate::billing::webhook::retry(state, id).await {
            Ok(e) => {
                failed += usize::from(e.status == "failed");
                let note = e
                    .error_message
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default();
                println!(
                    "#{id} {} {}: {}{note}",
                    e.stripe_event_id, e.event_type, e.status
                );
            }
            Err(err) => {
                failed += 1;
                println!("#{id}: {}", err.describe());
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

impl PlansAction {
    pub fn settings(&self) -> &Settings {
        match self {
            PlansAction::List { settings } | PlansAction::SetPrice { settings, .. } => settings,
        }
    }
}

impl UserAction {
    pub fn settings(&self) -> &Settings {
        match self {
            UserAction::SetPlan { settings, .. } => settings,
        }
    }
}

pub async fn plans(state: &AppState, action: PlansAction) -> anyhow::Result<ExitCode> {
    match action {
        PlansAction::List { .. } => {
            let (plans, counts) = state
                .db
                .read(|c| {
                    let plans = crate::plans::repo::all(c)?;
                    let counts = crate::subscriptions::repo::entitling_by_plan(c)?;
                    Ok((plans, counts))
                })
                .await?;
            println!(
                "{:<12} {:<14} {:>10} {:<8} {:<28} subscribers",
                "code", "name", "monthly", "state", "stripe price"
            );
            for p in plans {
                let subscribers = counts
                    .iter()
                    .find(|(c, _)| *c == p.code)
                    .map_or(0, |(_, n)| *n);
                let mut state_word = if p.is_active { "active" } else { "inactive" }.to_owned();
                if p.code == state.config.default_plan {
                    state_word.push('*');
                }
                println!(
                    "{:<12} {:<14} {:>10} {:<8} {:<28} {subscribers}",
                    p.code,
                    p.name_in(crate::i18n::Lang::En),
                    format!(
                        "{} {}",
                        crate::money::format_cents(p.monthly_price_cents),
                        p.currency
                    ),
                    state_word,
                    p.stripe_price_id.as_deref().unwrap_or("-"),
                );
            }
            println!("(* the default plan, AUTOTRACK_DEFAULT_PLAN)");
            Ok(ExitCode::SUCCESS)
        }
        PlansAction::SetPrice { plan, price_id, .. } => {
            let code = plan.clone();
            let found = state
                .db
                .read(move |c| Ok(crate::plans::repo::find_by_code(c, &code)?))
                .await?
                .with_context(|| format!("no plan {plan:?} (see `autotrack plans list`)"))?;
            let price = if price_id == "none" {
                None
            } else {
                Some(price_id)
            };
            let mut body = serde_json::Map::new();
            body.insert("stripe_price_id".into(), serde_json::json!(price));
            let saved = crate::plans::write::save(state, Some(found.id), body, false)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.describe()))?;
            match saved.stripe_price_id {
                Some(p) => println!("plan {} is now sold at the Stripe price {p}", saved.code),
                None => println!(
                    "plan {} has no Stripe price: it cannot be bought",
                    saved.code
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn user(state: &AppState, action: UserAction) -> anyhow::Result<ExitCode> {
    match action {
        UserAction::SetPlan {
            email, plan, until, ..
        } => {
            let until = match until {
                None => None,
                Some(raw) => Some(ts(crate::http::validate::parse_datetime(&raw)
                    .with_context(|| {
                        format!(
                            "--until {raw:?}: write a date (2027-01-31) or an ISO 8601 datetime"
                        )
                    })?)),
            };
            if let Some(end) = until.as_deref().and_then(parse_ts)
                && end <= state.clock.now()
            {
                bail!("--until is in the past: the plan would end at once");
            }
            let email = email.trim().to_lowercase();
            let now = ts(state.clock.now());
            let (mail, code) = (email.clone(), plan.clone());
            let id = state
                .db
                .write(move |tx| {
                    let user = crate::users::repo::find_by_email(tx, &mail)?
                        .ok_or_else(crate::error::AppError::not_found)?;
                    if crate::plans::repo::find_by_code(tx, &code)?.is_none() {
                        return Err(crate::error::AppError::field(
                            "plan",
                            crate::i18n::Tr::new("No such plan.", "Plan inconnu."),
                        ));
                    }
                    crate::subscriptions::writes::assign_plan(
                        tx,
                        user.id,
                        &code,
                        "active",
                        until.as_deref(),
                        &now,
                    )
                })
                .await
                .map_err(|e| match e.code {
                    crate::error::Code::NotFound => anyhow::anyhow!("no user {email}"),
                    crate::error::Code::ValidationError => {
                        anyhow::anyhow!("no plan {plan:?} (see `autotrack plans list`)")
                    }
                    _ => anyhow::anyhow!("{}", e.describe()),
                })?;
            println!("{email} is on the {plan} plan (subscription {id})");
            Ok(ExitCode::SUCCESS)
        }
    }
}
