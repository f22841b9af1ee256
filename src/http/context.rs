//! The request context middleware: request id, response language, security headers, the access log, and the
//! rendering of every error as problem+json in the request's language (README §9, §10, §14).

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::app::AppState;
use crate::error::{AppError, Problem};
use crate::i18n::Lang;

/// Per-request data shared by the middleware, the extractors and the handlers.
#[derive(Clone)]
pub struct RequestContext {
    pub request_id: Arc<str>,
    lang: Arc<AtomicU8>,
}

impl RequestContext {
    pub fn lang(&self) -> Lang {
        if self.lang.load(Ordering::Relaxed) == 1 {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// Set by authentication: an authenticated caller's own setting wins over `Accept-Language`.
    pub fn set_lang(&self, lang: Lang) {
        self.lang
            .store(u8::from(lang == Lang::Fr), Ordering::Relaxed);
    }
}

pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let request_id: Arc<str> = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(uuid::Uuid::new_v4().simple().to_string()));
    let lang = Lang::from_accept_language(req.headers()).unwrap_or(state.config.default_language);
    let ctx = RequestContext {
        request_id: request_id.clone(),
        lang: Arc::new(AtomicU8::new(u8::from(lang == Lang::Fr))),
    };
    req.extensions_mut().insert(ctx.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id, method = %method, path = %path, user_id = tracing::field::Empty);

    let mut res = next.run(req).instrument(span.clone()).await;

    if let Some(problem) = res.extensions().get::<Problem>().cloned() {
        res = rerender(res, &problem, ctx.lang(), &request_id);
    } else if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        let problem = Problem::from_error(&AppError::method_not_allowed(method.as_str()));
        res = rerender(res, &problem, ctx.lang(), &request_id);
    }
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", v);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    let status = res.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, elapsed_ms, "request"));
    res
}

/// Replaces the body with the localised problem, keeping the other headers (Allow, Retry-After, WWW-Authenticate).
fn rerender(res: Response, problem: &Problem, lang: Lang, request_id: &str) -> Response {
    let (mut parts, _) = res.into_parts();
    let fresh = problem.to_response(lang, Some(request_id));
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(ct) = fresh_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    parts.extensions.insert(problem.clone());
    Response::from_parts(parts, body)
}

/// The language of the current request (after authentication when the handler also takes `AuthUser` first).
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(
            parts
                .extensions
                .get::<RequestContext>()
                .map(|c| c.lang())
                .unwrap_or_default(),
        ))
    }
}

/// Unknown paths: 404 `not_found` in the problem shape.
/// A path no route serves: `not_found`, with a detail that tells it from an object that does not exist.
pub async fn fallback() -> Response {
    AppError::not_found()
        .with_detail(crate::i18n::Tr::new(
            "No such endpoint.",
            "Point d'accès inexistant.",
        ))
        .into_response()
}
