//! Listing and revoking sessions; ownership.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_list_and_revoke() {
    let app = TestApp::spawn().await;
    let a1 = app.signup("ses@example.com").await;
    let a2 = app.login("ses@example.com", PASSWORD).await;
    let a3 = app.login("ses@example.com", PASSWORD).await;
    let b = app.signup("other@example.com").await;

    let r = app.get("/api/users/sessions/", Some(&a1.access)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["count"], 3);
    assert_eq!(r.body["next"], serde_json::Value::Null);
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(
        results.iter().filter(|s| s["is_current"] == true).count(),
        1
    );
    assert!(
        results
            .iter()
            .all(|s| s["is_active"] == true && s["ip_address"] == "127.0.0.1")
    );
    let ids: Vec<i64> = results.iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");

    let page = app
        .get("/api/users/sessions?page_size=2&page=2", Some(&a1.access))
        .await;
    assert_eq!(page.body["results"].as_array().unwrap().len(), 1);
    assert!(
        page.body["previous"]
            .as_str()
            .unwrap()
            .ends_with("/api/users/sessions?page_size=2&page=1")
    );
    assert_eq!(
        app.get("/api/users/sessions?page=3&page_size=2", Some(&a1.access))
            .await
            .code(),
        "invalid_page"
    );
    assert_eq!(
        app.get("/api/users/sessions?page=0", Some(&a1.access))
            .await
            .code(),
        "validation_error"
    );

    // Another user's session id is 404, like a missing one; so is a malformed id.
    let b_sessions = app.get("/api/users/sessions", Some(&b.access)).await;
    let b_id = b_sessions.body["results"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.request(
            Method::DELETE,
            &format!("/api/users/sessions/{b_id}"),
            Some(&a1.access),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.request(
            Method::DELETE,
            "/api/users/sessions/abc",
            Some(&a1.access),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.request(
            Method::DELETE,
            "/api/users/sessions/999999",
            Some(&a1.access),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(app.get("/api/users/me", Some(&b.access)).await.status, 200);

    let a2_id = ids
        .iter()
        .copied()
        .find(|id| {
            results
                .iter()
                .any(|s| s["id"] == *id && s["is_current"] == false)
        })
        .unwrap();
    let r = app
        .request(
            Method::DELETE,
            &format!("/api/users/sessions/{a2_id}/"),
            Some(&a1.access),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    let r = app
        .request(
            Method::DELETE,
            "/api/users/sessions",
            Some(&a1.access),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["revoked"], 1);
    for s in [&a2, &a3] {
        assert_eq!(
            app.get("/api/users/me", Some(&s.access)).await.code(),
            "token_revoked"
        );
    }
    assert_eq!(app.get("/api/users/me", Some(&a1.access)).await.status, 200);
    let _ = json!({});
}
