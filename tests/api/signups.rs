//! Who may register (auth.md §6): `AUTOTRACK_SIGNUPS` closed, domains and invite, and admin-created accounts.

use serde_json::json;

use crate::helpers::*;

fn body(email: &str) -> serde_json::Value {
    json!({"email": email, "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "Inès", "last_name": "Moreau"})
}

fn with_code(email: &str, code: &str) -> serde_json::Value {
    let mut b = body(email);
    b["invite_code"] = json!(code);
    b
}

fn users(app: &TestApp) -> i64 {
    app.db_value("SELECT count(*) FROM users").as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_signups_refuse_every_registration_after_validation() {
    let app = TestApp::spawn_with(&["--signups", "closed"], false).await;
    let r = app
        .post("/api/users/register", body("ines@example.com"))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (403, "registration_closed"),
        "{}",
        r.text
    );
    assert_eq!(r.body["detail"], "Registration is closed on this server.");
    // The alias answers the same; invalid input is still reported as such first.
    let r = app
        .post("/api/auth/register", body("ines@example.com"))
        .await;
    assert_eq!(r.status, 403);
    let r = app
        .post("/api/users/register", json!({"email": "nope"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "validation_error"));
    assert_eq!(users(&app), 0);
    // An admin still creates accounts (what `create-user` runs).
    autotrack::users::passwords::create_user(
        &app.state,
        "boss@example.com",
        PASSWORD.to_owned(),
        "Ada",
        "Admin",
        true,
    )
    .await
    .unwrap();
    assert_eq!(users(&app), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn domain_signups_accept_listed_domains_only() {
    let app = TestApp::spawn_with(
        &[
            "--signups",
            "domains",
            "--signup-domains",
            "garage-dupont.fr,@Example.com",
        ],
        false,
    )
    .await;
    for ok in ["a@garage-dupont.fr", "B@EXAMPLE.COM"] {
        let r = app.post("/api/users/register", body(ok)).await;
        assert_eq!(r.status, 201, "{ok}: {}", r.text);
    }
    // A sub-domain, a look-alike suffix and another domain are all refused, with one answer.
    for refused in [
        "c@mail.garage-dupont.fr",
        "d@evilgarage-dupont.fr",
        "e@example.org",
    ] {
        let r = app.post("/api/users/register", body(refused)).await;
        assert_eq!(
            (r.status, r.code()),
            (403, "registration_closed"),
            "{refused}"
        );
    }
    assert_eq!(users(&app), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_are_single_use_for_one_address_and_expire() {
    let app = TestApp::spawn_with(&["--signups", "invite"], false).await;
    let (code, _) = autotrack::users::signups::invite(&app.state, "Lea@Example.com", 7)
        .await
        .unwrap();
    // Only the hash is stored.
    let stored = app.db_value("SELECT code_hash FROM invitations");
    assert_ne!(stored.as_str().unwrap(), code);

    let closed = |r: &Resp| (r.status, r.code().to_owned());
    let refused = (403, "registration_closed".to_owned());
    assert_eq!(
        closed(
            &app.post("/api/users/register", body("lea@example.com"))
                .await
        ),
        refused
    );
    assert_eq!(
        closed(
            &app.post(
                "/api/users/register",
                with_code("lea@example.com", "not-the-code")
            )
            .await
        ),
        refused
    );
    // The code belongs to Léa's address.
    assert_eq!(
        closed(
            &app.post("/api/users/register", with_code("other@example.com", &code))
                .await
        ),
        refused
    );
    let r = app
        .post("/api/users/register", with_code("lea@example.com", &code))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let used_by = app.db_value("SELECT used_by_id FROM invitations");
    assert_eq!(used_by, r.body["user"]["id"]);
    // Used once: the code is refused afterwards (the invitation is checked before whether the address is taken).
    assert_eq!(
        closed(
            &app.post("/api/users/register", with_code("LEA@example.com", &code))
                .await
        ),
        refused
    );

    let (late, _) = autotrack::users::signups::invite(&app.state, "tom@example.com", 1)
        .await
        .unwrap();
    app.advance(chrono::Duration::hours(25));
    assert_eq!(
        closed(
            &app.post("/api/users/register", with_code("tom@example.com", &late))
                .await
        ),
        refused
    );
    assert_eq!(users(&app), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_signups_ignore_an_invite_code() {
    let app = TestApp::spawn().await;
    let r = app
        .post(
            "/api/users/register",
            with_code("sam@example.com", "whatever"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}
