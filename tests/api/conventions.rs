//! Global conventions (README of the contract): paths, methods, bodies, errors, headers, languages, throttles.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_and_methods_use_the_problem_shape() {
    let app = TestApp::spawn_with(&[], false).await;
    let r = app.get("/api/nothing/here/", None).await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(r.body["type"], "urn:autotrack:problem:not_found");
    assert_eq!(r.body["title"], "Not found");
    assert_eq!(r.body["status"], 404);
    assert_eq!(r.body["detail"], "No such endpoint.");
    let r = app
        .request(Method::PUT, "/api/users/login", None, Some(json!({})))
        .await;
    assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
    assert_eq!(r.header("allow").as_deref(), Some("POST"));
    assert_eq!(r.body["detail"], "Method \"PUT\" not allowed.");
    for h in [
        "x-request-id",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(r.header(h).is_some(), "{h}");
    }
    let r = TestApp::read(
        app.client
            .get(format!("{}/api/health", app.base))
            .header("x-request-id", "abc-123"),
    )
    .await;
    assert_eq!(r.header("x-request-id").as_deref(), Some("abc-123"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_documented_errors() {
    let app = TestApp::spawn_with(&[], false).await;
    let url = format!("{}/api/users/login", app.base);
    let send = |body: Vec<u8>, ct: &str| {
        TestApp::read(app.client.post(&url).header("content-type", ct).body(body))
    };
    let r = send(b"{not json".to_vec(), "application/json").await;
    assert_eq!((r.status, r.code()), (400, "invalid_json"));
    let r = send(b"[1, 2]".to_vec(), "application/json").await;
    assert_eq!(r.code(), "invalid_json");
    let r = send(b"email=a".to_vec(), "application/x-www-form-urlencoded").await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(1024 * 1024 + 10));
    let r = send(big.into_bytes(), "application/json").await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"));
    assert_eq!(
        r.body["detail"],
        "The request body is too large (max 1 MiB)."
    );
    let r = app
        .post(
            "/api/users/login",
            json!({"email": ["a"], "password": {"x": 1}}),
        )
        .await;
    assert_eq!(r.body["errors"]["email"][0], "Not a valid string.");
    assert_eq!(r.body["errors"]["password"][0], "Not a valid string.");
    // Nothing was stored, and the service is fine.
    assert_eq!(app.get("/api/health/", None).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_speak_french_by_header_or_user_setting() {
    let app = TestApp::spawn().await;
    let r = TestApp::read(
        app.client
            .get(format!("{}/api/users/me", app.base))
            .header("accept-language", "fr"),
    )
    .await;
    assert_eq!(r.body["detail"], "Identifiants d'authentification absents.");
    assert_eq!(r.body["title"], "Non authentifié");
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/users/register", app.base))
            .header("accept-language", "fr")
            .json(&json!({})),
    )
    .await;
    assert_eq!(r.body["errors"]["email"][0], "Ce champ est obligatoire.");
    // A French user's own setting wins over the header.
    let s = app.signup("fr@example.com").await;
    app.state
        .db
        .write(|tx| {
            tx.execute("UPDATE user_settings SET language = 'fr'", [])?;
            Ok(())
        })
        .await
        .unwrap();
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/users/logout", app.base))
            .header("accept-language", "en")
            .bearer_auth(&s.access),
    )
    .await;
    assert_eq!(r.body["message"], "Déconnexion réussie");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_is_throttled_per_ip_and_account() {
    let app = TestApp::spawn_with(&["--rate-login", "3/min"], false).await;
    for _ in 0..3 {
        let r = app
            .post(
                "/api/users/login",
                json!({"email": "t@example.com", "password": "whatever-1"}),
            )
            .await;
        assert_eq!(r.code(), "invalid_credentials");
    }
    let r = app
        .post(
            "/api/users/login",
            json!({"email": "t@example.com", "password": "whatever-1"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (429, "throttled"));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("{retry} seconds"))
    );
    // The same IP is throttled for another account too.
    let r = app
        .post(
            "/api/users/login",
            json!({"email": "u@example.com", "password": "whatever-1"}),
        )
        .await;
    assert_eq!(r.code(), "throttled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttles_can_be_turned_off() {
    let app = TestApp::spawn_with(&["--rate-login", "1/min", "--rate-limits", "off"], false).await;
    for _ in 0..3 {
        assert_eq!(
            app.post(
                "/api/users/login",
                json!({"email": "t@example.com", "password": "x-x-x-x-1"})
            )
            .await
            .code(),
            "invalid_credentials"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_answers_preflights_for_listed_origins_only() {
    let app = TestApp::spawn_with(
        &["--cors-origins", "http://app.test,http://other.test"],
        false,
    )
    .await;
    let preflight = |origin: &str| {
        app.client
            .request(Method::OPTIONS, format!("{}/api/users/login/", app.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
    };
    let ok = TestApp::read(preflight("http://app.test")).await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some("http://app.test")
    );
    let other = TestApp::read(preflight("http://evil.test")).await;
    assert!(other.header("access-control-allow-origin").is_none());
    let r = TestApp::read(
        app.client
            .get(format!("{}/api/health/", app.base))
            .header("origin", "http://other.test"),
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("http://other.test")
    );
}

/// The OpenAPI document and the router agree: every documented operation is served (not "No such endpoint.", not
/// 405), and on every documented path the methods it does not list answer 405.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_and_the_served_routes_agree() {
    let app = TestApp::spawn_with(&["--otp-policy", "off", "--rate-limits", "off"], false).await;
    let admin = app.admin("docs@example.com").await;
    let doc = app.get("/api/openapi.json", None).await.body;
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, item) in paths {
        // Path parameters get an id that exists nowhere: a served route answers 404 `not_found` for the object.
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "999999" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in ["get", "post", "put", "patch", "delete"] {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if item.get(method).is_none() {
                // The reverse check: a method the document does not list is not served on that path either.
                let r = app.request(m, &concrete, Some(&admin.access), None).await;
                assert_eq!(
                    r.status, 405,
                    "{method} {path} is served but not documented"
                );
                continue;
            }
            let body = (method != "get" && method != "delete").then(|| json!({}));
            let r = app.request(m, &concrete, Some(&admin.access), body).await;
            assert_ne!(
                r.body["detail"], "No such endpoint.",
                "{method} {path} is documented but not served"
            );
            assert_ne!(r.status, 405, "{method} {path}: {}", r.text);
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} operations");
}
