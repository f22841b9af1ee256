//! Conversation rules: ownership, validation, `send_message` with the assistant's reply, aggregates.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{
    Conversation, ConversationDetail, ConversationFilter, ConversationRow, ConversationStats,
    Message, MessageFilter, SentMessage,
};
use super::repo;
use crate::app::AppState;
use crate::assistant::ask::ask;
use crate::assistant::input::HistoryItem;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page, not_found_reference};
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::maintenances::input::vehicle_not_found;
use crate::plans::service::{Feature, has_feature};

/// The longest message a user writes.
const MAX_CONTENT: usize = 4000;
/// How many earlier messages a reply is given.
const HISTORY: i64 = 20;
/// An untitled conversation is named after this many characters of its first message.
const TITLE_CHARS: usize = 60;

fn owned(conn: &Connection, uid: i64, id: i64) -> AppResult<ConversationRow> {
    repo::find_for_owner(conn, uid, id)?.ok_or_else(AppError::not_found)
}

fn dto(conn: &Connection, c: ConversationRow) -> AppResult<Conversation> {
    let last = repo::last_message(conn, c.id)?;
    Ok(c.into_dto(last))
}

fn detail(conn: &Connection, uid: i64, id: i64) -> AppResult<ConversationDetail> {
    let c = owned(conn, uid, id)?;
    let messages = repo::messages_of(conn, c.id)?
        .into_iter()
        .map(Message::from)
        .collect();
    Ok(ConversationDetail {
        conversation: dto(conn, c)?,
        messages,
    })
}

/// Reads `title` and `is_active` onto `c` (both optional, also for PUT: neither is required).
fn apply(input: &mut Input, c: &mut ConversationRow) {
    if let Some(title) = input.opt_text("title", 255) {
        c.title = title;
    }
    if input.has("is_active")
        && let Some(a) = input.bool("is_active")
    {
        c.is_active = a;
    }
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<ConversationFilter>,
) -> AppResult<Page<Conversation>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, uid, &filter, &query)?;
            let rows = rows
                .into_iter()
                .map(|r| dto(c, r))
                .collect::<AppResult<Vec<_>>>()?;
            Ok((count, rows))
        })
        .await?;
    list.page(count, rows)
}

pub async fn recent(state: &AppState, user: &AuthUser, limit: i64) -> AppResult<Vec<Conversation>> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            repo::recent(c, uid, limit)?
                .into_iter()
                .map(|r| dto(c, r))
                .collect()
        })
        .await
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<ConversationDetail> {
    let uid = user.id;
    state.db.read(move |c| detail(c, uid, id)).await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, ConversationDetail)> {
    let uid = user.id;
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let mut input = Input::new(body);
            let mut c = ConversationRow {
                id: 0,
                user_id: uid,
                title: None,
                is_active: true,
                created_at: now.clone(),
                updated_at: now.clone(),
                messages_count: 0,
            };
            apply(&mut input, &mut c);
            input.finish()?;
            let id = repo::insert(tx, uid, c.title.as_deref(), c.is_active, &now)?;
            Ok((id, detail(tx, uid, id)?))
        })
        .await
}

pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
) -> AppResult<ConversationDetail> {
    let uid = user.id;
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let mut c = owned(tx, uid, id)?;
            let mut input = Input::new(body);
            apply(&mut input, &mut c);
            input.finish()?;
            repo::update(tx, &c, &now)?;
            detail(tx, uid, id)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    let gone = state
        .db
        .write(move |tx| Ok(repo::delete(tx, uid, id)?))
        .await?;
    AppError::found(gone)
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<ConversationStats> {
    let uid = user.id;
    let (conversations, messages) = state.db.read(move |c| Ok(repo::totals(c, uid)?)).await?;
    let average = if conversations == 0 {
        0.0
    } else {
        // Counts far below 2^52: exact as f64.
        ((messages as f64 / conversations as f64) * 10.0).round() / 10.0
    };
    Ok(ConversationStats {
        total_conversations: conversations,
        total_messages: messages,
        average_messages_per_conversation: average,
    })
}

pub async fn messages(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Vec<Message>> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let conv = owned(c, uid, id)?;
            Ok(repo::messages_of(c, conv.id)?
                .into_iter()
                .map(Message::from)
                .collect())
        })
        .await
}

/// Stores a user message in a conversation already checked as the caller's, and answers it.
fn store_user_message(
    tx: &Connection,
    uid: i64,
    conversation: i64,
    content: &str,
    now: &str,
) -> AppResult<(i64, Message)> {
    let mid = repo::insert_message(tx, conversation, "user", content, &json!({}), now)?;
    let title: String = content.chars().take(TITLE_CHARS).collect();
    repo::touch(tx, conversation, Some(title.trim()), now)?;
    let row = repo::find_message(tx, uid, mid)?.ok_or_else(AppError::not_found)?;
    Ok((mid, Message::from(row)))
}

/// `send_message` (assistant.md §3.1): the user's message, then the assistant's reply when the plan has
/// `ai_assistant`.
pub async fn send_message(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
) -> AppResult<(i64, SentMessage)> {
    state
        .throttles
        .check(Scope::Assistant, &[format!("user:{}", user.id)])?;
    let (uid, lang) = (user.id, user.lang);
    let now = ts(state.clock.now());
    let st = state.clone();
    let ((mid, message), content, vehicle_id, answers) = state
        .db
        .write(move |tx| {
            owned(tx, uid, id)?;
            let mut input = Input::new(body);
            let content = input.text("content", MAX_CONTENT);
            let vehicle_id = input.int("vehicle_id", i64::MIN, i64::MAX, false).flatten();
            if let Some(v) = vehicle_id
                && crate::vehicles::repo::find_for_owner(tx, uid, v)?.is_none()
            {
                input.error("vehicle_id", vehicle_not_found());
            }
            input.finish()?;
            let content = content.unwrap_or_default();
            let stored = store_user_message(tx, uid, id, &content, &now)?;
            let answers = has_feature(tx, &st, uid, Feature::AiAssistant)?;
            Ok((stored, content, vehicle_id, answers))
        })
        .await?;
    let reply = if answers {
        Some(reply(state, uid, lang, id, mid, &content, vehicle_id).await?)
    } else {
        None
    };
    Ok((mid, SentMessage { message, reply }))
}

/// Answers `content` with the conversation's previous messages as history, and stores the answer.
async fn reply(
    state: &AppState,
    uid: i64,
    lang: crate::i18n::Lang,
    conversation: i64,
    mid: i64,
    content: &str,
    vehicle_id: Option<i64>,
) -> AppResult<Message> {
    let history: Vec<HistoryItem> = state
        .db
        .read(move |c| Ok(repo::before(c, conversation, mid, HISTORY)?))
        .await?
        .into_iter()
        .filter(|m| m.role != "system")
        .map(|m| HistoryItem {
            role: m.role,
            content: m.content,
        })
        .collect();
    let r = ask(state, uid, lang, content, vehicle_id, &history).await?;
    let meta =
        json!({"source": r.source, "model": r.model, "intent": r.intent, "records": r.records});
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            // The answer may take a provider's while: the conversation may have been deleted since.
            owned(tx, uid, conversation)?;
            let rid = repo::insert_message(tx, conversation, "assistant", &r.content, &meta, &now)?;
            repo::touch(tx, conversation, None, &now)?;
            let row = repo::find_message(tx, uid, rid)?.ok_or_else(AppError::not_found)?;
            Ok(Message::from(row))
        })
        .await
}

pub async fn list_messages(
    state: &AppState,
    user: &AuthUser,
    list: List<MessageFilter>,
) -> AppResult<Page<Message>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list_messages(c, uid, &filter, &query)?))
        .await?;
    list.page(count, rows.into_iter().map(Message::from).collect())
}

pub async fn get_message(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Message> {
    let uid = user.id;
    let row = state
        .db
        .read(move |c| Ok(repo::find_message(c, uid, id)?))
        .await?;
    row.map(Message::from).ok_or_else(AppError::not_found)
}

/// `POST /api/messages/`: a user message in one of the caller's conversations, with no reply.
pub async fn create_message(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, Message)> {
    let uid = user.id;
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let mut input = Input::new(body);
            let target = input
                .int("conversation", i64::MIN, i64::MAX, true)
                .flatten();
            let content = input.text("content", MAX_CONTENT);
            let conversation = match target {
                Some(c) => repo::find_for_owner(tx, uid, c)?,
                None => None,
            };
            if target.is_some() && conversation.is_none() {
                input.error(
                    "conversation",
                    not_found_reference("Conversation", "Conversation"),
                );
            }
            input.finish()?;
            let (Some(c), Some(content)) = (conversation, content) else {
                return Err(AppError::not_found());
            };
            store_user_message(tx, uid, c.id, &content, &now)
        })
        .await
}
