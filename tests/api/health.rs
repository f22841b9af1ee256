//! Health endpoints and the OpenAPI document with its offline UI.

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_every_check() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/health/", Some("not-a-token")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.body["status"], "healthy");
    assert_eq!(r.body["service"], "autotrack-backend");
    assert_eq!(r.body["checks"]["database"]["status"], "ok");
    assert_eq!(r.body["checks"]["smtp"]["status"], "ok");
    assert_eq!(r.body["checks"]["stripe"]["status"], "disabled");
    assert_eq!(r.body["checks"]["ocr"]["status"], "ok");
    assert_eq!(r.body["checks"]["scheduler"]["status"], "ok");

    let db = app.get("/api/health/db", None).await;
    assert_eq!(
        (
            db.body["database"].as_str(),
            db.body["journal_mode"].as_str()
        ),
        (Some("connected"), Some("wal"))
    );
    let smtp = app.get("/api/health/smtp/", None).await;
    assert_eq!(
        (smtp.status, smtp.body["smtp"].as_str()),
        (200, Some("connected"))
    );
    assert_eq!(
        app.get("/api/health/stripe/", None).await.body["stripe"],
        "not_configured"
    );
    let ocr = app.get("/api/health/ocr/", None).await;
    assert_eq!(
        (
            ocr.status,
            ocr.body["ocr"].as_str(),
            ocr.body["queue_pending"].as_i64()
        ),
        (200, Some("ready"), Some(0)),
        "{}",
        ocr.text
    );
    let head = TestApp::read(app.client.head(format!("{}/api/health/", app.base))).await;
    assert_eq!(head.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_down_is_degraded_not_unhealthy() {
    let mut app = TestApp::spawn().await;
    app.smtp_mut().stop();
    let smtp = app.get("/api/health/smtp/", None).await;
    assert_eq!(
        (
            smtp.status,
            smtp.body["status"].as_str(),
            smtp.body["smtp"].as_str()
        ),
        (503, Some("unhealthy"), Some("error"))
    );
    assert_eq!(smtp.body["outbox_pending"], 0);
    let r = app.get("/api/health/", None).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("degraded"))
    );
    assert_eq!(r.body["checks"]["smtp"]["status"], "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_and_offline_docs() {
    let app = TestApp::spawn_with(&[], false).await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = r.body["paths"].as_object().unwrap();
    for p in [
        "/api/users/register",
        "/api/auth/register",
        "/api/auth/sessions/{id}",
        "/api/token/refresh",
        "/api/health",
    ] {
        assert!(paths.contains_key(p), "{p} missing");
    }
    assert!(r.body["components"]["schemas"]["User"].is_object());
    let page = app.get("/api/docs/", None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui-bundle.js") && !page.text.contains("https://"));
    let js = app.get("/api/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(js.status, 200);
    assert!(js.text.len() > 100_000);
    assert_eq!(
        app.get("/api/docs/../../Cargo.toml", None).await.status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_server_stops_gracefully() {
    let app = TestApp::spawn_with(&[], false).await;
    let base = app.base.clone();
    assert_eq!(app.get("/api/health", None).await.status, 200);
    app.stop().await;
    assert!(
        reqwest::get(format!("{base}/api/health")).await.is_err(),
        "no longer listening"
    );
}
