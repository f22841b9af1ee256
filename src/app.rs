//! The application: shared state, the router (one merge of every module's router plus the global layers), and
//! `serve`, which runs the HTTP API and the scheduler until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, header};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::Layer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::normalize_path::NormalizePathLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::health::HealthCache;
use crate::http::throttle::Throttles;
use crate::mail::{Mailer, Templates};

/// Everything a handler or job needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Clock,
    pub jwt: Arc<JwtKeys>,
    pub hasher: PasswordHasher,
    pub token_cache: Arc<crate::auth::token_cache::TokenCache>,
    pub mailer: Option<Mailer>,
    /// The Stripe API, when a secret key is set.
    pub stripe: Option<crate::billing::client::Stripe>,
    pub templates: Arc<Templates>,
    pub throttles: Arc<Throttles>,
    /// Base of absolute URLs in answers (`AUTOTRACK_PUBLIC_URL`, or the bound address).
    pub public_url: String,
    pub started: Instant,
    pub health_cache: Arc<HealthCache>,
    /// Wakes the scheduler to deliver mail at once after a request queued some.
    pub mail_kick: Arc<Notify>,
    /// Wakes the document analyser when work is queued.
    pub analysis_kick: Arc<Notify>,
    pub storage: crate::documents::storage::Storage,
    pub ocr: Arc<crate::ocr::OcrHandle>,
    /// The embedded knowledge base, checked at start.
    pub kb: Arc<crate::knowledge::Knowledge>,
    /// The assistant's OpenAI-compatible provider, when configured.
    pub ai: Option<crate::assistant::provider::Provider>,
    last_tick_ms: Arc<AtomicI64>,
}

impl AppState {
    /// Opens the database (migrating it) and builds every shared part. The checks of the configuration against
    /// the domains run at start-up (`cli::start`), not here.
    pub fn build(config: Config, bound: SocketAddr) -> anyhow::Result<AppState> {
        let db = Db::open(&config.db_path(), config.db_synchronous, config.db_readers)?;
        let mailer = Mailer::from_config(&config).context("while configuring SMTP")?;
        let templates = Templates::load(&config).context("while loading mail templates")?;
        let stripe = crate::billing::client::Stripe::from_config(&config.stripe)?;
        let kb = crate::knowledge::Knowledge::load().context("while loading the knowledge base")?;
        Ok(AppState {
            kb: Arc::new(kb),
            ai: crate::assistant::provider::Provider::from_config(config.ai.as_ref())?,
            public_url: config.public_url_for(bound),
            db,
            clock: Clock::default(),
            jwt: Arc::new(JwtKeys::new(&config.jwt_secret)),
            hasher: PasswordHasher::new(config.hash_concurrency),
            token_cache: Arc::default(),
            mailer,
            stripe,
            templates: Arc::new(templates),
            throttles: Arc::new(Throttles::new(config.rate_limits.clone())),
            started: Instant::now(),
            health_cache: Arc::new(HealthCache::default()),
            mail_kick: Arc::new(Notify::new()),
            analysis_kick: Arc::new(Notify::new()),
            storage: crate::documents::storage::Storage::new(&config.data_dir),
            ocr: Arc::new(crate::ocr::OcrHandle::new(
                config.ocr,
                config.models_dir.clone(),
                config.analysis_workers,
            )),
            last_tick_ms: Arc::new(AtomicI64::new(0)),
            config: Arc::new(config),
        })
    }

    /// Base of user-facing links in mails.
    pub fn frontend_url(&self) -> String {
        self.config
            .frontend_url
            .clone()
            .unwrap_or_else(|| self.public_url.clone())
    }

    pub fn kick_mail(&self) {
        self.mail_kick.notify_one();
    }

    pub fn kick_analysis(&self) {
        self.analysis_kick.notify_one();
    }

    pub fn scheduler_ticked(&self) {
        self.last_tick_ms
            .store(self.clock.now().timestamp_millis(), Ordering::Relaxed);
    }

    pub fn scheduler_last_tick(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self.last_tick_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => chrono::DateTime::from_timestamp_millis(ms),
        }
    }
}

/// Every documented endpoint, each registered once with its OpenAPI operation (`docs` serves the document).
pub fn api(max_upload: u64) -> utoipa_axum::router::OpenApiRouter<AppState> {
    domain_routers(max_upload)
        .into_iter()
        .fold(utoipa_axum::router::OpenApiRouter::new(), |api, r| {
            api.merge(r)
        })
}

/// Each module's routes, in the order they are merged.
pub fn domain_routers(max_upload: u64) -> Vec<utoipa_axum::router::OpenApiRouter<AppState>> {
    vec![
        crate::health::router(),
        crate::users::router(),
        crate::user_settings::router(),
        crate::notifications::router(),
        crate::vehicles::router(),
        crate::catalog::router(),
        crate::maintenances::router(),
        crate::diagnostics::router(),
        crate::assistant::router(),
        crate::conversations::router(),
        crate::plans::router(),
        crate::subscriptions::router(),
        crate::billing::router(),
        crate::garages::router(),
        crate::documents::router(max_upload),
    ]
}

/// The whole HTTP API.
pub fn router(state: AppState) -> Router {
    let (api, _) = api(state.config.max_upload_bytes).split_for_parts();
    let mut app = api
        .merge(crate::docs::router())
        .fallback(crate::http::context::fallback)
        .layer(DefaultBodyLimit::max(crate::http::extract::JSON_BODY_LIMIT))
        // Answers are personal (or tokens) unless a route says otherwise: no shared or browser cache keeps them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if !state.config.cors_origins.is_empty() {
        // The origins were checked when the settings were loaded.
        let allow = if state.config.cors_origins == ["*"] {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(
                state
                    .config
                    .cors_origins
                    .iter()
                    .filter_map(|o| o.parse::<HeaderValue>().ok()),
            )
        };
        app = app.layer(
            CorsLayer::new()
                .allow_origin(allow)
                .allow_methods([
                    Method::GET,
                    Method::HEAD,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::ACCEPT_LANGUAGE,
                ])
                .expose_headers([
                    header::HeaderName::from_static("x-request-id"),
                    header::RETRY_AFTER,
                    header::LOCATION,
                ])
                .max_age(std::time::Duration::from_secs(3600)),
        );
    }
    app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::http::context::request_context,
    ))
    .with_state(state)
}

/// Runs the API on `listener` and the scheduler until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let scheduler = tokio::spawn(crate::scheduler::run(state.clone(), stop_rx));
    // Trailing slashes are trimmed before routing, so every path answers with and without one.
    let app = NormalizePathLayer::trim_trailing_slash().layer(router(state));
    let service =
        axum::ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app);
    let result = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_tx.send(true);
    let _ = scheduler.await;
    result.context("the HTTP server failed")
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
