//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the offline Swagger UI at `/api/docs/`
//! (its assets are embedded in the binary).

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "AutoTrack API", description = "Self-hosted backend for car owners, garages and small fleets."),
    components(schemas(crate::users::model::User, crate::users::model::Tokens, crate::users::model::Session,
        crate::error::ProblemBody)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Path prefixes served twice (declared by their domain's `router()`), and the prefix their copies' operation
/// ids take: ids must be unique in the document.
const ALIASES: &[(&str, &str)] = &[
    ("/api/auth/", "auth_"),
    ("/api/recommended", "recommended_"),
    ("/api/token/", "token_"),
];

/// Makes every operation id unique: an alias path's operations take the alias prefix, and a handler serving two
/// methods of one path (PUT and PATCH) gets the method as a suffix on its second operation; a name two domains
/// use takes the tag as a prefix.
fn unique_operation_ids(doc: &mut utoipa::openapi::OpenApi) {
    let mut seen = std::collections::HashSet::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let prefix = ALIASES
            .iter()
            .find(|(alias, _)| path.starts_with(alias))
            .map_or("", |(_, prefix)| prefix);
        let ops = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
            ("head", &mut item.head),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let Some(id) = &op.operation_id else { continue };
            let mut id = format!("{prefix}{id}");
            if seen.contains(&id)
                && let Some(tag) = op.tags.as_ref().and_then(|t| t.first())
            {
                id = format!("{tag}_{id}");
            }
            if seen.contains(&id) {
                id = format!("{id}_{method}");
            }
            seen.insert(id.clone());
            op.operation_id = Some(id);
        }
    }
}

/// Error answers are problem+json (README §9): every 4xx/5xx response gets the `ProblemBody` schema (its
/// description names the codes), and every operation that needs a token documents its 401. Successful answers
/// without a description get one (OpenAPI requires it).
fn problem_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ProblemBody")))
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let responses = &mut op.responses.responses;
            if secured && !responses.contains_key("401") {
                responses.insert(
                    "401".to_owned(),
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("not_authenticated, token_invalid, token_expired, token_revoked or account_disabled")
                            .build(),
                    ),
                );
            }
            for (status, response) in responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                let error = status.parse::<u16>().is_ok_and(|s| s >= 400);
                if error && response.content.is_empty() {
                    response
                        .content
                        .insert("application/problem+json".to_owned(), RefOr::T(problem()));
                }
                if response.description.is_empty() {
                    response.description = match status.as_str() {
                        "201" => "Created",
                        "204" => "No content",
                        _ => "OK",
                    }
                    .to_owned();
                }
            }
        }
    }
}

/// The whole document: the operations the routers registered, with the shared parts.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::app::api(0).into_openapi());
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    unique_operation_ids(&mut doc);
    problem_responses(&mut doc);
    doc
}

/// The document as served (built once).
pub fn document_json() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        document()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

#[derive(rust_embed::Embed)]
#[folder = "assets/static/swagger/"]
#[include = "*.js"]
#[include = "*.css"]
#[include = "*.html"]
struct SwaggerAssets;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/docs", get(|| asset("index.html".to_owned())))
        .route(
            "/api/docs/{file}",
            get(|Path(file): Path<String>| asset(file)),
        )
}

async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        document_json(),
    )
        .into_response()
}

async fn asset(file: String) -> Response {
    let Some(content) = SwaggerAssets::get(&file) else {
        return crate::error::AppError::not_found().into_response();
    };
    let mime = if file.ends_with(".js") {
        "text/javascript; charset=utf-8"
    } else if file.ends_with(".css") {
        "text/css; charset=utf-8"
    } else {
        "text/html; charset=utf-8"
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, mime)],
        content.data.into_owned(),
    )
        .into_response()
}

/// Test helpers that hold the documented schemas to what the code accepts.
#[cfg(test)]
pub mod testing {
    /// The values an enum's schema documents.
    pub fn enum_values<T: utoipa::PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let values = schema["enum"].as_array().unwrap();
        values
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    /// Strings matching a documented `pattern` (proptest generates from unanchored patterns: the anchors go).
    pub fn matching(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
        let unanchored = pattern.trim_start_matches('^').trim_end_matches('$');
        proptest::string::string_regex(unanchored).unwrap()
    }
}
