//! Request bodies of diagnostics and replies (assistant.md §1, §1.1), read with the contract's rules.

use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::model::{DiagnosticStatus, STATUSES};
use crate::http::validate::Input;
use crate::i18n::{Tr, msg};
use crate::knowledge::normalize_code;

/// The body of `POST /api/diagnostics/`.
#[derive(ToSchema)]
pub struct DiagnosticCreate {
    /// One of the caller's vehicles; fixed after create.
    pub vehicle: i64,
    #[schema(min_length = 1, max_length = 255)]
    pub title: String,
    /// The symptoms in the user's words.
    #[schema(min_length = 1, max_length = 10000)]
    pub description: String,
    #[schema(value_type = DiagnosticStatus, required = false)]
    pub status: Option<String>,
    /// At most 20 OBD-II codes (`P0301`; case, spaces and dashes do not matter).
    #[schema(max_items = 20)]
    pub trouble_codes: Option<Vec<String>>,
}

/// The body of `PATCH` (every field optional); `PUT` requires `title` and `description`.
#[derive(Debug, Default, ToSchema)]
pub struct DiagnosticInput {
    #[schema(value_type = String, required = false, min_length = 1, max_length = 255)]
    pub title: Option<String>,
    #[schema(value_type = String, required = false, min_length = 1, max_length = 10000)]
    pub description: Option<String>,
    #[schema(value_type = DiagnosticStatus, required = false)]
    pub status: Option<String>,
    #[schema(value_type = Vec<String>, required = false, max_items = 20)]
    pub trouble_codes: Option<Vec<String>>,
    #[schema(ignore)]
    pub vehicle: Option<i64>,
}

pub fn invalid_code(code: &str) -> Tr {
    Tr::new(
        format!("Invalid trouble code: {code}."),
        format!("Code défaut invalide : {code}."),
    )
}

/// Reads the fields; `create` requires `vehicle`, `full` (create, PUT) requires title and description.
pub fn parse(body: Map<String, Value>, create: bool, full: bool) -> (Input, DiagnosticInput) {
    let mut input = Input::new(body);
    let mut d = DiagnosticInput::default();
    if create && let Some(Some(v)) = input.int("vehicle", i64::MIN, i64::MAX, true) {
        d.vehicle = Some(v);
    }
    if full || input.has("title") {
        d.title = input.text("title", 255);
    }
    if full || input.has("description") {
        d.description = input.text("description", 10_000);
    }
    if input.has("status") {
        match input.text("status", 20) {
            Some(s) if STATUSES.contains(&s.as_str()) => d.status = Some(s),
            Some(s) => input.error("status", msg::invalid_choice(&s)),
            None => {}
        }
    }
    if input.has("trouble_codes")
        && let Some(raw) = input.string_list("trouble_codes", 20, 20)
    {
        let mut codes: Vec<String> = Vec::new();
        for c in raw {
            match normalize_code(&c) {
                Some(n) if !codes.contains(&n) => codes.push(n),
                Some(_) => {}
                None => input.error("trouble_codes", invalid_code(&c)),
            }
        }
        d.trouble_codes = Some(codes);
    }
    (input, d)
}

/// The body of `POST /api/diagnostics/{id}/add_reply/` and `POST /api/replies/`.
#[derive(ToSchema)]
pub struct ReplyCreate {
    /// `POST /api/replies/` only: one of the caller's diagnostics.
    pub diagnostic: Option<i64>,
    #[schema(min_length = 1, max_length = 10000)]
    pub message: String,
    #[schema(value_type = Object)]
    pub metadata: Option<Value>,
}

/// Reads `message` (required when `full`) and `metadata` (an object of at most 16 KiB).
pub fn parse_reply(input: &mut Input, full: bool) -> (Option<String>, Option<Value>) {
    let message = (full || input.has("message"))
        .then(|| input.text("message", 10_000))
        .flatten();
    let metadata = match input.has("metadata") {
        true => input.object("metadata", 16 * 1024).map(Value::Object),
        false => None,
    };
    (message, metadata)
}
