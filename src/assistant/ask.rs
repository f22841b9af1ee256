//! One question answered: the offline answer from the caller's records, then, when a provider is configured, its
//! wording of that answer from the same context. Shared by `chat`, `maintenance_ask` and conversations.

use serde_json::json;

use super::answers::{Answer, RecordRef, answer};
use super::input::HistoryItem;
use super::provider::{Turn, context_turn, system_turn, text};
use crate::app::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;

/// The model name of offline answers.
pub const OFFLINE_MODEL: &str = "autotrack-kb";

#[derive(Debug, Clone)]
pub struct Reply {
    pub content: String,
    pub model: String,
    pub source: &'static str,
    pub intent: &'static str,
    pub records: Vec<RecordRef>,
}

/// Answers `question` for `uid` (`vehicle_id` already checked as theirs), with earlier messages for the provider.
pub async fn ask(
    state: &AppState,
    uid: i64,
    lang: Lang,
    question: &str,
    vehicle_id: Option<i64>,
    history: &[HistoryItem],
) -> AppResult<Reply> {
    let now = state.clock.now();
    let (st, q) = (state.clone(), question.to_owned());
    let a: Answer = state
        .db
        .read(move |c| answer(c, &st, uid, lang, &q, vehicle_id, now))
        .await?;
    let mut turns = vec![
        system_turn(lang),
        context_turn(
            &json!({"intent": a.intent.as_str(), "offline_answer": a.content, "records": a.records,
            "data": a.context}),
        ),
    ];
    for h in history {
        turns.push(Turn {
            role: if h.role == "assistant" {
                "assistant"
            } else {
                "user"
            },
            content: h.content.clone(),
        });
    }
    turns.push(Turn {
        role: "user",
        content: question.to_owned(),
    });
    let worded = if state.ai.is_some() {
        text(state, a.intent.as_str(), &turns).await
    } else {
        None
    };
    Ok(match worded {
        Some((content, model)) => Reply {
            content,
            model,
            source: "provider",
            intent: a.intent.as_str(),
            records: a.records,
        },
        None => Reply {
            content: a.content,
            model: OFFLINE_MODEL.to_owned(),
            source: "knowledge_base",
            intent: a.intent.as_str(),
            records: a.records,
        },
    })
}
