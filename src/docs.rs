//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the offline Swagger UI at `/api/docs/`
//! (its assets are embedded in the binary).

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::path::PathItem;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::app::AppState;
use crate::users::handlers as users;

#[derive(OpenApi)]
#[openapi(
    info(title = "AutoTrack API", description = "Self-hosted backend for car owners, garages and small fleets."),
    paths(
        users::register, users::login, users::verify_otp, users::resend_otp, users::refresh, users::logout,
        users::get_me, users::put_me, users::patch_me, users::confirm_email_change, users::change_password,
        users::forgot_password, users::validate_reset_token, users::reset_password, users::list_sessions,
        users::revoke_other_sessions, users::revoke_session,
        crate::health::health, crate::health::health_db, crate::health::health_smtp, crate::health::health_stripe,
        crate::health::health_ocr,
        crate::vehicles::handlers::list_vehicles, crate::vehicles::handlers::create_vehicle,
        crate::vehicles::handlers::vehicle_stats, crate::vehicles::handlers::get_vehicle,
        crate::vehicles::handlers::put_vehicle, crate::vehicles::handlers::patch_vehicle,
        crate::vehicles::handlers::delete_vehicle, crate::vehicles::handlers::vehicle_maintenances,
        crate::vehicles::handlers::vehicle_documents, crate::vehicles::handlers::vehicle_diagnostics,
        crate::catalog::handlers::list_brands, crate::catalog::handlers::create_brand, crate::catalog::handlers::get_brand,
        crate::catalog::handlers::put_brand, crate::catalog::handlers::patch_brand, crate::catalog::handlers::delete_brand,
        crate::catalog::handlers::brand_models, crate::catalog::handlers::list_models, crate::catalog::handlers::create_model,
        crate::catalog::handlers::get_model, crate::catalog::handlers::put_model, crate::catalog::handlers::patch_model,
        crate::catalog::handlers::delete_model,
        crate::maintenances::handlers::list_maintenances, crate::maintenances::handlers::create_maintenance,
        crate::maintenances::handlers::upcoming, crate::maintenances::handlers::recent,
        crate::maintenances::handlers::maintenance_stats, crate::maintenances::handlers::by_vehicle,
        crate::maintenances::handlers::get_maintenance, crate::maintenances::handlers::put_maintenance,
        crate::maintenances::handlers::patch_maintenance, crate::maintenances::handlers::delete_maintenance,
        crate::garages::handlers::list_garages, crate::garages::handlers::create_garage, crate::garages::handlers::top_rated,
        crate::garages::handlers::search_nearby, crate::garages::handlers::by_specialty, crate::garages::handlers::get_garage,
        crate::garages::handlers::put_garage, crate::garages::handlers::patch_garage, crate::garages::handlers::delete_garage,
        crate::garages::reviews::add_review, crate::garages::reviews::list_reviews, crate::garages::reviews::create_review,
        crate::garages::reviews::get_review, crate::garages::reviews::put_review, crate::garages::reviews::patch_review,
        crate::garages::reviews::delete_review,
        crate::notifications::handlers::list_notifications, crate::notifications::handlers::create_notification,
        crate::notifications::handlers::unread, crate::notifications::handlers::unread_count,
        crate::notifications::handlers::mark_all_as_read, crate::notifications::handlers::delete_all_read,
        crate::notifications::handlers::by_type, crate::notifications::handlers::notification_stats,
        crate::notifications::handlers::get_notification, crate::notifications::handlers::update_notification,
        crate::notifications::handlers::delete_notification, crate::notifications::handlers::mark_as_read,
        crate::notifications::handlers::mark_as_unread,
        crate::user_settings::handlers::list_settings, crate::user_settings::handlers::get_my_settings,
        crate::user_settings::handlers::put_my_settings, crate::user_settings::handlers::patch_my_settings,
        crate::user_settings::handlers::reset_settings, crate::user_settings::handlers::get_settings,
        crate::user_settings::handlers::put_settings, crate::user_settings::handlers::patch_settings,
        crate::plans::handlers::list_plans, crate::plans::handlers::get_plan, crate::plans::handlers::catalog,
        crate::plans::handlers::usage, crate::plans::handlers::check_limits,
        crate::documents::handlers::list_documents, crate::documents::handlers::create_document,
        crate::documents::handlers::get_document, crate::documents::handlers::update_document,
        crate::documents::handlers::delete_document, crate::documents::handlers::download,
        crate::documents::handlers::analyze, crate::documents::handlers::batch_analyze,
        crate::documents::handlers::by_type, crate::documents::handlers::unanalyzed,
        crate::documents::handlers::document_stats, crate::documents::handlers::by_vehicle,
    ),
    components(schemas(crate::users::model::User, crate::users::model::Tokens, crate::users::model::Session)),
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

/// Gives every operation of a copied path item its own id (ids must be unique in the document).
fn renamed(mut item: PathItem, prefix: &str) -> PathItem {
    for op in [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
        &mut item.head,
    ]
    .into_iter()
    .flatten()
    {
        if let Some(id) = &op.operation_id {
            op.operation_id = Some(format!("{prefix}{id}"));
        }
    }
    item
}

/// The whole document, with the contract's aliases (`/api/auth/…` = `/api/users/…`, `/api/token/refresh`).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut aliases = Vec::new();
    for (path, item) in &doc.paths.paths {
        if let Some(rest) = path.strip_prefix("/api/garages") {
            aliases.push((
                format!("/api/recommended{rest}"),
                renamed(item.clone(), "recommended_"),
            ));
        }
        if let Some(rest) = path.strip_prefix("/api/users/") {
            aliases.push((format!("/api/auth/{rest}"), renamed(item.clone(), "auth_")));
            if rest == "refresh" {
                aliases.push((
                    "/api/token/refresh".to_owned(),
                    renamed(item.clone(), "token_"),
                ));
            }
        }
    }
    for (path, item) in aliases {
        doc.paths.paths.insert(path, item);
    }
    doc
}

pub fn document_json() -> String {
    document()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
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
