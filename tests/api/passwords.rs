//! Password change and reset by mail.

use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_revokes_every_session_and_mails() {
    let app = TestApp::spawn().await;
    let s = app.signup("chg@example.com").await;
    let other = app.login("chg@example.com", PASSWORD).await;
    let r = app.post_auth("/api/users/change-password", &s.access, json!({"old_password": "nope-nope", "new_password": "New-Password-1", "new_password_confirm": "New-Password-1"})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"]["old_password"][0], "Invalid old password.");
    let r = app.post_auth("/api/users/change-password", &s.access, json!({"old_password": PASSWORD, "new_password": "short", "new_password_confirm": "short"})).await;
    assert!(r.body["errors"]["new_password"].is_array());

    let seen = app.mails_to("chg@example.com");
    let r = app.post_auth("/api/users/change-password", &s.access, json!({"old_password": PASSWORD, "new_password": "New-Password-1", "new_password_confirm": "New-Password-1", "refresh": "ignored"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["message"], "Password changed successfully");
    let new_access = r.body["tokens"]["access"].as_str().unwrap();
    assert_eq!(app.get("/api/users/me", Some(new_access)).await.status, 200);
    for old in [&s.access, &other.access] {
        assert_eq!(
            app.get("/api/users/me", Some(old)).await.code(),
            "token_revoked"
        );
    }
    assert_eq!(
        app.post("/api/users/refresh", json!({"refresh": other.refresh}))
            .await
            .code(),
        "token_revoked"
    );
    let mail = app.next_mail("chg@example.com", seen).await;
    assert_eq!(mail.subject, "Your password was changed");
    assert!(mail.text.contains("http://app.test/auth/forgot-password"));
    let old_login = app
        .post(
            "/api/users/login",
            json!({"email": "chg@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old_login.code(), "invalid_credentials");
    app.login("chg@example.com", "New-Password-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_and_reset_password_by_mail() {
    let app = TestApp::spawn_with(&["--rate-password-reset", "20/hour"], true).await;
    let s = app.signup("rst@example.com").await;
    let unknown = app
        .post(
            "/api/users/forgot-password",
            json!({"email": "nobody@example.com"}),
        )
        .await;
    let seen = app.mails_to("rst@example.com");
    let known = app
        .post(
            "/api/users/forgot-password",
            json!({"email": " RST@example.com"}),
        )
        .await;
    assert_eq!((unknown.status, known.status), (200, 200));
    assert_eq!(unknown.body, known.body);
    assert_eq!(
        app.db_value("SELECT count(*) FROM mail_outbox WHERE to_email = 'nobody@example.com'"),
        0
    );
    let mail = app.next_mail("rst@example.com", seen).await;
    assert_eq!(mail.subject, "Reset your AutoTrack password");
    assert!(
        mail.text
            .contains("http://app.test/auth/reset-password?token=")
    );
    let token = reset_token(&mail);
    assert_eq!(token.len(), 43);
    // Only the token's hash is stored.
    assert_eq!(
        app.db_value(&format!(
            "SELECT count(*) FROM password_reset_tokens WHERE token_hash = '{token}'"
        )),
        0
    );

    let v = app
        .post(
            "/api/users/validate-reset-token",
            json!({"token": token, "uid": "ignored"}),
        )
        .await;
    assert_eq!(
        (v.body["valid"].as_bool(), v.body["message"].as_str()),
        (Some(true), Some("Token is valid"))
    );
    let bad = app
        .post(
            "/api/users/validate-reset-token",
            json!({"token": "x".repeat(43)}),
        )
        .await;
    assert_eq!(bad.body["valid"], false);

    let weak = app
        .post(
            "/api/users/reset-password",
            json!({"token": token, "password": "12345678", "password_confirm": "12345678"}),
        )
        .await;
    assert_eq!((weak.status, weak.code()), (400, "validation_error"));
    let ok = app.post("/api/users/reset-password", json!({"token": token, "password": "Brand-New-Pass-9", "password_confirm": "Brand-New-Pass-9"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["message"], "Password reset successfully");
    let again = app.post("/api/users/reset-password", json!({"token": token, "password": "Other-Pass-77", "password_confirm": "Other-Pass-77"})).await;
    assert_eq!((again.status, again.code()), (400, "invalid_reset_token"));
    assert_eq!(
        app.get("/api/users/me", Some(&s.access)).await.code(),
        "token_revoked"
    );
    app.login("rst@example.com", "Brand-New-Pass-9").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_tokens_expire_are_replaced_and_are_used_once_under_concurrency() {
    let app = TestApp::spawn_with(&["--rate-password-reset", "0"], true).await;
    app.signup("race@example.com").await;
    let seen = app.mails_to("race@example.com");
    app.post(
        "/api/users/forgot-password",
        json!({"email": "race@example.com"}),
    )
    .await;
    let first = reset_token(
        &app.smtp()
            .next_mail_titled("race@example.com", seen, "Reset your AutoTrack password")
            .await,
    );
    let seen = app.mails_to("race@example.com");
    app.post(
        "/api/users/forgot-password",
        json!({"email": "race@example.com"}),
    )
    .await;
    let second = reset_token(
        &app.smtp()
            .next_mail_titled("race@example.com", seen, "Reset your AutoTrack password")
            .await,
    );
    let r = app
        .post("/api/users/validate-reset-token", json!({"token": first}))
        .await;
    assert_eq!(
        r.body["valid"], false,
        "a new token invalidates the previous one"
    );

    let tries = (0..4).map(|i| {
        let body = json!({"token": second, "password": format!("Concurrent-{i}-pass"), "password_confirm": format!("Concurrent-{i}-pass")});
        let req = app.client.post(format!("{}/api/users/reset-password", app.base)).json(&body);
        TestApp::read(req)
    });
    let results = futures_join(tries).await;
    assert_eq!(
        results.iter().filter(|r| r.status == 200).count(),
        1,
        "exactly one concurrent reset wins"
    );
    assert!(
        results
            .iter()
            .filter(|r| r.status != 200)
            .all(|r| r.code() == "invalid_reset_token")
    );

    let seen = app.mails_to("race@example.com");
    app.post(
        "/api/users/forgot-password",
        json!({"email": "race@example.com"}),
    )
    .await;
    let third = reset_token(
        &app.smtp()
            .next_mail_titled("race@example.com", seen, "Reset your AutoTrack password")
            .await,
    );
    app.advance(chrono::Duration::minutes(61));
    let r = app.post("/api/users/reset-password", json!({"token": third, "password": "Late-Password-1", "password_confirm": "Late-Password-1"})).await;
    assert_eq!(r.code(), "invalid_reset_token");
}

async fn futures_join<F: std::future::Future<Output = Resp> + Send + 'static>(
    futs: impl Iterator<Item = F>,
) -> Vec<Resp> {
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
