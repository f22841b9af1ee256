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
        let mut doc = serde_json::to_value(document()).unwrap_or_default();
        answers_list_every_field(&mut doc);
        serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned())
    })
}

/// Answers carry every field of their representation, `null` when empty (README §5), while a request body's
/// `Option` field may be left out. utoipa marks `Option` fields optional everywhere, so in every object schema an
/// answer uses (through `$ref`s, items, allOf/oneOf/anyOf and map values) the nullable properties become
/// required. A member the contract leaves out instead of `null` is `#[serde(skip_serializing_if)]` with
/// `#[schema(nullable = false)]`, and stays optional.
fn answers_list_every_field(doc: &mut serde_json::Value) {
    use serde_json::Value;
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.push(name.to_owned());
                }
                map.values().for_each(|x| refs(x, out));
            }
            Value::Array(items) => items.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    // `null` is one of the property's types (`Option<T>`, not marked `nullable = false`).
    fn nullable(prop: &Value) -> bool {
        let null = Value::String("null".to_owned());
        match prop.get("type") {
            Some(Value::Array(types)) if types.contains(&null) => return true,
            Some(t) if *t == null => return true,
            _ => {}
        }
        ["oneOf", "anyOf"].iter().any(|k| {
            prop.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|alts| alts.iter().any(nullable))
        })
    }
    fn require_all(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    let mut required: Vec<Value> = match map.get("required") {
                        Some(Value::Array(r)) => r.clone(),
                        _ => Vec::new(),
                    };
                    for (name, prop) in props {
                        let name = Value::String(name.clone());
                        if nullable(prop) && !required.contains(&name) {
                            required.push(name);
                        }
                    }
                    map.insert("required".to_owned(), Value::Array(required));
                }
                map.values_mut().for_each(require_all);
            }
            Value::Array(items) => items.iter_mut().for_each(require_all),
            _ => {}
        }
    }
    // The answers' schemas: 2xx response contents, then every schema they reach.
    let mut pending = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(ops) = item else { continue };
            for op in ops.values_mut() {
                let Some(Value::Object(responses)) = op.get_mut("responses") else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    if status.starts_with('2')
                        && let Some(content) = response.get_mut("content")
                    {
                        refs(content, &mut pending);
                        require_all(content);
                    }
                }
            }
        }
    }
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut done = std::collections::HashSet::new();
    while let Some(name) = pending.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get_mut(&name) {
            refs(schema, &mut pending);
            require_all(schema);
        }
    }
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

#[cfg(test)]
mod tests {
    /// Schemas are named by their Rust type name alone, and a later module's schema of the same name silently
    /// replaces an earlier one in the merged document (two `TypeCount`s once did): every name must mean one schema.
    #[test]
    fn schema_names_are_unique_across_modules() {
        let mut seen: std::collections::HashMap<String, serde_json::Value> = Default::default();
        for router in crate::app::domain_routers(0) {
            let doc = serde_json::to_value(router.into_openapi()).unwrap();
            let schemas = doc["components"]["schemas"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for (name, schema) in schemas {
                if let Some(before) = seen.insert(name.clone(), schema.clone()) {
                    assert_eq!(before, schema, "two different schemas are named {name}");
                }
            }
        }
        assert!(seen.len() > 50, "{} schemas", seen.len());
    }
}
