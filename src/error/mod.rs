//! The one error type of the HTTP boundary and the problem+json body it becomes (README §9).
//!
//! `AppError::into_response` stores a [`Problem`] in the response extensions; the request-context middleware
//! (`http::middleware`) renders it in the request's language, adding the request id on 5xx answers.

use std::collections::BTreeMap;

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::i18n::{Lang, Tr};

mod code;
pub use code::Code;

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Field name → messages, for `validation_error`.
pub type FieldErrors = BTreeMap<String, Vec<Tr>>;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: Code,
    /// `None`: the code's default text.
    pub detail: Option<Tr>,
    pub errors: Option<FieldErrors>,
    pub extensions: Map<String, Value>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Internal cause, logged once and never returned.
    pub source: Option<anyhow::Error>,
}

/// The problem+json body of every error answer (README §9), for the OpenAPI document; `Problem::body` writes it.
#[derive(utoipa::ToSchema)]
pub struct ProblemBody {
    /// `urn:autotrack:problem:<code>`.
    #[schema(rename = "type")]
    pub kind: String,
    /// Short name of the problem, in the caller's language.
    pub title: String,
    pub status: u16,
    /// What happened, in the caller's language.
    pub detail: String,
    pub code: Code,
    /// Field name → messages (`validation_error`).
    pub errors: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// On 5xx answers: the `X-Request-Id`, to quote to the operator.
    pub request_id: Option<String>,
}

/// The rendered-later form of an error, carried in response extensions.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub code: Code,
    pub detail: Option<Tr>,
    pub errors: Option<FieldErrors>,
    pub extensions: Map<String, Value>,
}

pub type AppResult<T> = Result<T, AppError>;

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Some(cause) => write!(f, "{}: {cause:#}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn new(code: Code) -> AppError {
        AppError {
            status: code.status(),
            code,
            detail: None,
            errors: None,
            extensions: Map::new(),
            headers: Vec::new(),
            source: None,
        }
    }

    /// The error in English for a terminal: its detail (or the code's default), then each field's messages.
    pub fn describe(&self) -> String {
        let mut out = self
            .detail
            .clone()
            .unwrap_or_else(|| self.code.texts().1)
            .en;
        for (field, messages) in self.errors.iter().flatten() {
            for m in messages {
                out.push_str(&format!("; {field}: {}", m.en));
            }
        }
        out
    }

    pub fn with_detail(mut self, detail: Tr) -> AppError {
        self.detail = Some(detail);
        self
    }

    pub fn with_extension(mut self, key: &str, value: Value) -> AppError {
        self.extensions.insert(key.to_owned(), value);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: &str) -> AppError {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    /// A `validation_error` from collected field messages.
    pub fn validation(errors: FieldErrors) -> AppError {
        let mut e = AppError::new(Code::ValidationError);
        e.errors = Some(errors);
        e
    }

    /// A `validation_error` with one message on one field.
    pub fn field(field: &str, message: Tr) -> AppError {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![message]);
        AppError::validation(errors)
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> AppError {
        let mut e = AppError::new(Code::InternalError);
        e.source = Some(cause.into());
        e
    }

    pub fn unavailable(cause: impl Into<anyhow::Error>) -> AppError {
        let mut e = AppError::new(Code::ServiceUnavailable);
        e.source = Some(cause.into());
        e
    }

    pub fn not_found() -> AppError {
        AppError::new(Code::NotFound)
    }
    /// `Ok` when a delete (or an update) touched a row, else 404: the caller's object was not there.
    pub fn found(touched: bool) -> AppResult<()> {
        if touched {
            Ok(())
        } else {
            Err(AppError::not_found())
        }
    }
    pub fn invalid_page() -> AppError {
        AppError::new(Code::InvalidPage)
    }
    pub fn invalid_json() -> AppError {
        AppError::new(Code::InvalidJson)
    }
    pub fn permission_denied() -> AppError {
        AppError::new(Code::PermissionDenied)
    }
    pub fn conflict(detail: Tr) -> AppError {
        AppError::new(Code::Conflict).with_detail(detail)
    }

    /// 401s; `token_sent` adds `error="invalid_token"` to the challenge.
    pub fn unauthorized(code: Code, token_sent: bool) -> AppError {
        let challenge = if token_sent {
            r#"Bearer realm="api", error="invalid_token""#
        } else {
            r#"Bearer realm="api""#
        };
        AppError::new(code).with_header(header::WWW_AUTHENTICATE, challenge)
    }

    pub fn payload_too_large(max_bytes: u64) -> AppError {
        let max = human_size(max_bytes);
        AppError::new(Code::PayloadTooLarge).with_detail(Tr::new(
            format!("The request body is too large (max {max})."),
            format!("Le corps de la requête est trop volumineux (max {max})."),
        ))
    }

    pub fn unsupported_media_type(content_type: &str) -> AppError {
        let t: String = content_type.chars().take(100).collect();
        AppError::new(Code::UnsupportedMediaType).with_detail(Tr::new(
            format!("Unsupported content type \"{t}\"."),
            format!("Type de contenu « {t} » non pris en charge."),
        ))
    }

    pub fn method_not_allowed(method: &str) -> AppError {
        AppError::new(Code::MethodNotAllowed).with_detail(Tr::new(
            format!("Method \"{method}\" not allowed."),
            format!("Méthode « {method} » non autorisée."),
        ))
    }

    /// 429 `throttled` with `Retry-After`.
    pub fn throttled(retry_after_secs: u64) -> AppError {
        let n = retry_after_secs.max(1);
        AppError::new(Code::Throttled)
            .with_detail(Tr::new(
                format!("Request was throttled. Expected available in {n} seconds."),
                format!("Trop de requêtes. Réessayez dans {n} secondes."),
            ))
            .with_header(header::RETRY_AFTER, &n.to_string())
    }

    /// 429 `otp_locked` with `Retry-After` and the `retry_after` member (auth.md §5).
    pub fn otp_locked(retry_after_secs: i64) -> AppError {
        let n = retry_after_secs.max(1);
        let minutes = (n + 59) / 60;
        AppError::new(Code::OtpLocked)
            .with_detail(Tr::new(
                format!("Too many failed attempts. Try again in {minutes} minute(s)."),
                format!("Trop de tentatives échouées. Réessayez dans {minutes} minute(s)."),
            ))
            .with_header(header::RETRY_AFTER, &n.to_string())
            .with_extension("retry_after", json!(n))
    }

    pub fn problem(&self) -> Problem {
        Problem {
            status: self.status,
            code: self.code,
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            extensions: self.extensions.clone(),
        }
    }
}

impl Problem {
    pub fn from_error(e: &AppError) -> Problem {
        e.problem()
    }

    /// The problem+json body in `lang`; `request_id` is added on 5xx answers.
    pub fn body(&self, lang: Lang, request_id: Option<&str>) -> Value {
        let (title, default_detail) = self.code.texts();
        let detail = match (&self.detail, &self.errors) {
            (Some(d), _) => d.get(lang).to_owned(),
            (None, Some(errors)) => match single_message(errors) {
                Some(m) => m.get(lang).to_owned(),
                None => default_detail.get(lang).to_owned(),
            },
            (None, None) => default_detail.get(lang).to_owned(),
        };
        let mut body = Map::new();
        body.insert(
            "type".into(),
            json!(format!("urn:autotrack:problem:{}", self.code)),
        );
        body.insert("title".into(), json!(title.get(lang)));
        body.insert("status".into(), json!(self.status.as_u16()));
        body.insert("detail".into(), json!(detail));
        body.insert("code".into(), json!(self.code.as_str()));
        if let Some(errors) = &self.errors {
            let rendered: Map<String, Value> = errors
                .iter()
                .map(|(k, msgs)| {
                    (
                        k.clone(),
                        json!(msgs.iter().map(|m| m.get(lang)).collect::<Vec<_>>()),
                    )
                })
                .collect();
            body.insert("errors".into(), Value::Object(rendered));
        }
        for (k, v) in &self.extensions {
            body.insert(k.clone(), v.clone());
        }
        if self.status.is_server_error()
            && let Some(id) = request_id
        {
            body.insert("request_id".into(), json!(id));
        }
        Value::Object(body)
    }

    /// A complete response, used where no middleware runs after (and by the middleware itself).
    pub fn to_response(&self, lang: Lang, request_id: Option<&str>) -> Response {
        let body = serde_json::to_vec(&self.body(lang, request_id)).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

fn single_message(errors: &FieldErrors) -> Option<&Tr> {
    let mut all = errors.values().flatten();
    let first = all.next()?;
    if all.next().is_none() {
        Some(first)
    } else {
        None
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.source
            && self.status.is_server_error()
        {
            tracing::error!(
                code = self.code.as_str(),
                error = format!("{cause:#}"),
                "request failed"
            );
        }
        let problem = self.problem();
        let mut res = problem.to_response(Lang::En, None);
        for (name, value) in self.headers {
            res.headers_mut().append(name, value);
        }
        res.extensions_mut().insert(problem);
        res
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(err: rusqlite::Error) -> AppError {
        use rusqlite::ErrorCode;
        match &err {
            rusqlite::Error::QueryReturnedNoRows => AppError::not_found(),
            rusqlite::Error::SqliteFailure(e, _) => match e.code {
                ErrorCode::ConstraintViolation => {
                    tracing::warn!(error = %err, "constraint violation");
                    AppError::conflict(Tr::new(
                        "The request conflicts with existing data.",
                        "La requête est en conflit avec des données existantes.",
                    ))
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::DiskFull => {
                    AppError::unavailable(err)
                }
                _ => AppError::internal(err),
            },
            _ => AppError::internal(err),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> AppError {
        AppError::internal(err)
    }
}

/// "1 MiB", "10 MiB", "512 KiB", "100 bytes".
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violation_becomes_conflict() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER UNIQUE); INSERT INTO t VALUES (1);")
            .unwrap();
        let err: AppError = conn
            .execute("INSERT INTO t VALUES (1)", [])
            .unwrap_err()
            .into();
        assert_eq!(err.status, StatusCode::CONFLICT);
    }

    #[test]
    fn single_field_message_becomes_detail() {
        let e = AppError::field(
            "year",
            Tr::new(
                "A valid integer is required.",
                "Un nombre entier valide est requis.",
            ),
        );
        let body = e.problem().body(Lang::Fr, None);
        assert_eq!(body["detail"], "Un nombre entier valide est requis.");
        assert_eq!(
            body["errors"]["year"][0],
            "Un nombre entier valide est requis."
        );
        assert_eq!(body["type"], "urn:autotrack:problem:validation_error");
    }

    #[test]
    fn otp_lock_minutes_round_up() {
        let e = AppError::otp_locked(61);
        let body = e.problem().body(Lang::En, None);
        assert_eq!(body["retry_after"], 61);
        assert!(body["detail"].as_str().unwrap().contains("2 minute(s)"));
    }

    #[test]
    fn codes_have_distinct_names_and_titles() {
        let codes = [
            Code::AnalysisNotSupported,
            Code::PlanLimitReached,
            Code::Throttled,
        ];
        for code in codes {
            assert_ne!(code.texts().0.en, "Server error", "{code}");
            assert_eq!(AppError::new(code).status, code.status());
        }
        let body = AppError::new(Code::AnalysisNotSupported)
            .problem()
            .body(Lang::Fr, None);
        assert_eq!(
            (
                body["code"].as_str(),
                body["title"].as_str(),
                body["status"].as_u64()
            ),
            (
                Some("analysis_not_supported"),
                Some("Analyse non prise en charge"),
                Some(400)
            )
        );
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_size(1024 * 1024), "1 MiB");
        assert_eq!(human_size(10_485_760), "10 MiB");
        assert_eq!(human_size(1000), "1000 bytes");
    }
}
