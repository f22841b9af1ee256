//! Registration, login with the second factor, one-time codes, tokens, refresh rotation and revocation.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

fn register_body(email: &str) -> serde_json::Value {
    json!({"email": email, "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "Amal", "last_name": "Ben Ali"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_mails_welcome_and_code_then_verify_signs_in() {
    let app = TestApp::spawn().await;
    let r = app
        .post("/api/users/register", register_body("  Amal@Example.COM "))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["otp_required"], true);
    assert_eq!(r.body["email"], "amal@example.com");
    assert_eq!(r.body["user"]["email_verified"], false);
    assert_eq!(r.body["user"]["phone_number"], serde_json::Value::Null);
    assert!(
        r.body["user"]["created_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(r.body.get("tokens").is_none());
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));

    let code = app.wait_otp("amal@example.com", 0).await;
    let mails = app.smtp().messages_to("amal@example.com");
    let welcome = mails
        .iter()
        .find(|m| m.subject == "Welcome to AutoTrack!")
        .expect("welcome mail");
    assert!(welcome.text.contains("http://app.test/auth/login"));
    assert_eq!(welcome.auto_submitted.as_deref(), Some("auto-generated"));
    assert!(
        mails
            .iter()
            .any(|m| m.subject == "Your AutoTrack verification code")
    );

    let s = app.verify("amal@example.com", &code).await;
    let me = app.get("/api/users/me", Some(&s.access)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email_verified"], true);
    assert_eq!(me.body["first_name"], "Amal");
    // The code is single use.
    let again = app
        .post(
            "/api/users/verify-otp",
            json!({"email": "amal@example.com", "otp_code": code}),
        )
        .await;
    assert_eq!((again.status, again.code()), (400, "otp_invalid"));
    // A welcome notification and the settings row exist.
    assert_eq!(
        app.db_value("SELECT count(*) FROM notifications WHERE notification_type = 'success'"),
        1
    );
    assert_eq!(app.db_value("SELECT language FROM user_settings"), "en");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_in_french_by_accept_language() {
    let app = TestApp::spawn().await;
    let req = app
        .client
        .post(format!("{}/api/auth/register/", app.base))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .json(&register_body("zoe@example.com"));
    let r = TestApp::read(req).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Inscription réussie")
    );
    let mail = app.next_mail("zoe@example.com", 0).await;
    let all = app.smtp().messages_to("zoe@example.com");
    assert!(
        all.iter()
            .chain([&mail])
            .any(|m| m.subject == "Bienvenue sur AutoTrack !"
                || m.subject == "Votre code de vérification AutoTrack")
    );
    assert_eq!(app.db_value("SELECT language FROM user_settings"), "fr");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_reports_every_invalid_field() {
    let app = TestApp::spawn().await;
    let r = app.post("/api/users/register", json!({"email": "not-an-email", "password": "1234", "password_confirm": "5678", "first_name": "  ", "last_name": 12, "phone_number": "call me"})).await;
    assert_eq!(
        (r.status, r.code()),
        (400, "validation_error"),
        "{}",
        r.text
    );
    let e = &r.body["errors"];
    assert_eq!(e["email"][0], "Enter a valid email address.");
    let pw: Vec<&str> = e["password"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(pw.contains(&"This password is too short. It must contain at least 8 characters."));
    assert!(pw.contains(&"This password is entirely numeric."));
    assert!(pw.contains(&"Passwords don't match."));
    assert_eq!(e["first_name"][0], "This field may not be blank.");
    assert_eq!(e["phone_number"][0], "Enter a valid phone number.");
    assert!(e.get("last_name").is_none(), "numbers are accepted as text");

    let r = app.post("/api/users/register", json!({})).await;
    for field in [
        "email",
        "password",
        "password_confirm",
        "first_name",
        "last_name",
    ] {
        assert_eq!(
            r.body["errors"][field][0], "This field is required.",
            "{field}"
        );
    }
    let r = app.post("/api/users/register", json!({"email": "a@b.co", "password": "A@B.co", "password_confirm": "A@B.co", "first_name": "A", "last_name": "B"})).await;
    assert_eq!(
        r.body["errors"]["password"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| *m == "The password is too similar to the email.")
            .count(),
        1
    );
    assert_eq!(
        app.db_value("SELECT count(*) FROM users"),
        0,
        "nothing stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_email_is_refused_case_insensitively() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.post("/api/users/register", register_body("dup@example.com"))
            .await
            .status,
        201
    );
    let r = app
        .post("/api/users/register", register_body("DUP@example.com"))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["errors"]["email"][0],
        "A user with this email already exists."
    );
    assert_eq!(r.body["detail"], "A user with this email already exists.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_failures_are_identical_and_success_needs_the_code() {
    let app = TestApp::spawn().await;
    let s = app.signup("lea@example.com").await;
    let wrong = app
        .post(
            "/api/users/login",
            json!({"email": "lea@example.com", "password": "wrong-password"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/users/login",
            json!({"email": "nobody@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(
        wrong.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"api\"")
    );
    let missing = app
        .post("/api/users/login", json!({"email": "lea@example.com"}))
        .await;
    assert_eq!(
        missing.body["errors"]["password"][0],
        "This field is required."
    );

    let s2 = app.login("LEA@example.com", PASSWORD).await;
    assert_eq!(s2.user_id, s.user_id);
    assert_ne!(s2.access, s.access);

    // A disabled account answers like a wrong password, and its tokens stop working at once.
    app.state
        .db
        .write(|tx| {
            tx.execute("UPDATE users SET is_active = 0", [])?;
            Ok(())
        })
        .await
        .unwrap();
    let disabled = app
        .post(
            "/api/users/login",
            json!({"email": "lea@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(disabled.body, unknown.body);
    let me = app.get("/api/users/me", Some(&s.access)).await;
    assert_eq!((me.status, me.code()), (401, "account_disabled"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_policy_off_returns_tokens_directly() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], true).await;
    let r = app
        .post("/api/users/register", register_body("off@example.com"))
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["otp_required"], false);
    let access = r.body["tokens"]["access"].as_str().unwrap();
    assert_eq!(app.get("/api/users/me", Some(access)).await.status, 200);
    let r = app
        .post(
            "/api/users/login",
            json!({"email": "off@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["otp_required"], false);
    assert!(r.body["tokens"]["refresh"].is_string());
    assert_eq!(r.body["user"]["email"], "off@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_wrong_codes_lock_after_five_attempts() {
    let app = TestApp::spawn_with(&["--rate-otp-verify", "0"], true).await;
    app.signup("max@example.com").await;
    let seen = app.mails_to("max@example.com");
    assert_eq!(
        app.post(
            "/api/users/login",
            json!({"email": "max@example.com", "password": PASSWORD})
        )
        .await
        .status,
        200
    );
    let code = app.wait_otp("max@example.com", seen).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let bad_format = app
        .post(
            "/api/users/verify-otp",
            json!({"email": "max@example.com", "otp_code": "12ab"}),
        )
        .await;
    assert_eq!(bad_format.code(), "validation_error");
    assert!(bad_format.body["errors"]["otp_code"].is_array());
    for _ in 0..4 {
        let r = app
            .post(
                "/api/users/verify-otp",
                json!({"email": "max@example.com", "otp_code": wrong}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "otp_invalid"));
    }
    let fifth = app
        .post(
            "/api/users/verify-otp",
            json!({"email": "max@example.com", "code": wrong}),
        )
        .await;
    assert_eq!((fifth.status, fifth.code()), (429, "otp_locked"));
    assert_eq!(fifth.header("retry-after").as_deref(), Some("900"));
    assert_eq!(fifth.body["retry_after"], 900);
    assert!(
        fifth.body["detail"]
            .as_str()
            .unwrap()
            .contains("15 minute(s)")
    );
    // The right code does not help during the lock; neither does a new login or a resend.
    let right = app
        .post(
            "/api/users/verify-otp",
            json!({"email": "max@example.com", "otp_code": code}),
        )
        .await;
    assert_eq!(right.status, 429);
    let login = app
        .post(
            "/api/users/login",
            json!({"email": "max@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!((login.status, login.code()), (429, "otp_locked"));
    let before = app.mails_to("max@example.com");
    let resend = app
        .post("/api/users/resend-otp", json!({"email": "max@example.com"}))
        .await;
    assert_eq!(resend.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.mails_to("max@example.com"),
        before,
        "no code is sent during a lock"
    );

    // After the lock, a new login mails a new code that works.
    app.advance(chrono::Duration::minutes(16));
    let s = app.login("max@example.com", PASSWORD).await;
    assert_eq!(app.get("/api/users/me", Some(&s.access)).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_code_is_invalid_and_resend_issues_a_new_one() {
    let app = TestApp::spawn().await;
    let seen = app.mails_to("eva@example.com");
    app.post("/api/users/register", register_body("eva@example.com"))
        .await;
    let old = app.wait_otp("eva@example.com", seen).await;
    app.advance(chrono::Duration::minutes(11));
    let r = app
        .post(
            "/api/users/verify-otp",
            json!({"email": "eva@example.com", "otp_code": old}),
        )
        .await;
    assert_eq!(r.code(), "otp_invalid");
    let seen = app.mails_to("eva@example.com");
    let r = app
        .post("/api/users/resend-otp", json!({"email": "eva@example.com"}))
        .await;
    assert_eq!(
        r.body["message"],
        "If the email is registered, a new OTP has been sent."
    );
    let new = app.wait_otp("eva@example.com", seen).await;
    app.verify("eva@example.com", &new).await;
    // Unknown emails get the same answer and no mail.
    let r = app
        .post(
            "/api/users/resend-otp",
            json!({"email": "ghost@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.db_value("SELECT count(*) FROM mail_outbox WHERE to_email = 'ghost@example.com'"),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    let app = TestApp::spawn().await;
    let s = app.signup("rot@example.com").await;
    let r1 = app
        .post("/api/users/refresh", json!({"refresh": s.refresh}))
        .await;
    assert_eq!(r1.status, 200, "{}", r1.text);
    let (access2, refresh2) = (
        r1.body["access"].as_str().unwrap().to_owned(),
        r1.body["refresh"].as_str().unwrap().to_owned(),
    );
    assert_ne!(refresh2, s.refresh);
    assert_eq!(app.get("/api/users/me", Some(&access2)).await.status, 200);
    // The alias paths rotate too.
    let r2 = app
        .post("/api/token/refresh/", json!({"refresh": refresh2}))
        .await;
    assert_eq!(r2.status, 200);
    let refresh3 = r2.body["refresh"].as_str().unwrap().to_owned();
    // Presenting a retired token revokes the whole session.
    let reuse = app
        .post("/api/auth/refresh", json!({"refresh": s.refresh}))
        .await;
    assert_eq!((reuse.status, reuse.code()), (401, "token_reused"));
    assert_eq!(
        app.post("/api/users/refresh", json!({"refresh": refresh3}))
            .await
            .code(),
        "token_revoked"
    );
    assert_eq!(
        app.get("/api/users/me", Some(&access2)).await.code(),
        "token_revoked"
    );
    assert_eq!(
        app.db_value("SELECT revoked_reason FROM sessions"),
        "token_reuse"
    );

    let missing = app.post("/api/users/refresh", json!({})).await;
    assert_eq!((missing.status, missing.code()), (400, "validation_error"));
    let access_as_refresh = app
        .post("/api/users/refresh", json!({"refresh": s.access}))
        .await;
    assert_eq!(access_as_refresh.code(), "token_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_tokens_answer_token_expired() {
    let app = TestApp::spawn().await;
    let s = app.signup("exp@example.com").await;
    app.advance(chrono::Duration::minutes(16));
    let r = app.get("/api/users/me", Some(&s.access)).await;
    assert_eq!((r.status, r.code()), (401, "token_expired"));
    assert_eq!(
        r.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"api\", error=\"invalid_token\"")
    );
    // The refresh token still works and gives a working access token.
    let r = app
        .post("/api/users/refresh", json!({"refresh": s.refresh}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.get("/api/users/me", Some(r.body["access"].as_str().unwrap()))
            .await
            .status,
        200
    );
    app.advance(chrono::Duration::days(8));
    let r = app
        .post("/api/users/refresh", json!({"refresh": r.body["refresh"]}))
        .await;
    assert_eq!(r.code(), "token_expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_tokens_are_refused() {
    use base64::Engine;
    let app = TestApp::spawn().await;
    let s = app.signup("forge@example.com").await;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = s.access.split('.').nth(1).unwrap();
    let none = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        payload
    );
    let other_key = autotrack::auth::jwt::JwtKeys::new(b"an-entirely-different-secret-key!");
    let foreign = other_key
        .encode(
            autotrack::auth::jwt::TokenType::Access,
            s.user_id,
            1,
            0,
            "0123456789abcdef0123456789abcdef",
            chrono::Utc::now(),
            chrono::Duration::minutes(5),
        )
        .unwrap();
    let hs512 = format!(
        "{}.{}.{}",
        b64.encode(r#"{"alg":"HS512","typ":"JWT"}"#),
        payload,
        s.access.split('.').nth(2).unwrap()
    );
    for token in [
        none.as_str(),
        foreign.as_str(),
        hs512.as_str(),
        "garbage",
        s.refresh.as_str(),
    ] {
        let r = app.get("/api/users/me", Some(token)).await;
        assert_eq!((r.status, r.code()), (401, "token_invalid"), "{token}");
    }
    let r = app.get("/api/users/me", None).await;
    assert_eq!((r.status, r.code()), (401, "not_authenticated"));
    assert_eq!(
        r.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"api\"")
    );
    let r = TestApp::read(
        app.client
            .get(format!("{}/api/users/me", app.base))
            .header("authorization", "Basic abc"),
    )
    .await;
    assert_eq!(r.code(), "token_invalid");
    // Public auth endpoints ignore the header altogether.
    let r = app
        .request(
            Method::POST,
            "/api/users/resend-otp",
            Some("garbage"),
            Some(json!({"email": "x@y.zz"})),
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_the_session_at_once() {
    let app = TestApp::spawn().await;
    let s = app.signup("out@example.com").await;
    let other = app.login("out@example.com", PASSWORD).await;
    let r = app
        .post_auth(
            "/api/users/logout",
            &s.access,
            json!({"refresh": other.refresh}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["message"], "Successfully logged out");
    assert_eq!(
        app.get("/api/users/me", Some(&s.access)).await.code(),
        "token_revoked"
    );
    assert_eq!(
        app.post("/api/users/refresh", json!({"refresh": s.refresh}))
            .await
            .code(),
        "token_revoked"
    );
    assert_eq!(
        app.get("/api/users/me", Some(&other.access)).await.code(),
        "token_revoked",
        "the other session given by its refresh token"
    );
    // Logout with no body at all.
    let third = app.login("out@example.com", PASSWORD).await;
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/auth/logout", app.base))
            .bearer_auth(&third.access),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_updates_and_email_change_with_code() {
    let app = TestApp::spawn().await;
    let s = app.signup("old@example.com").await;
    app.signup("taken@example.com").await;
    let r = app.request(Method::PATCH, "/api/users/me/", Some(&s.access), Some(json!({"first_name": " Zoé ", "is_staff": true, "email_verified": false, "phone_number": "+33 6 12 34 56 78"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["first_name"].as_str(),
            r.body["is_staff"].as_bool(),
            r.body["email_verified"].as_bool()
        ),
        (Some("Zoé"), Some(false), Some(true))
    );
    assert_eq!(r.body["phone_number"], "+33 6 12 34 56 78");
    let r = app
        .request(
            Method::PUT,
            "/api/users/me",
            Some(&s.access),
            Some(json!({"first_name": "Zoé"})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"]["email"][0], "This field is required.");
    let r = app
        .request(
            Method::PATCH,
            "/api/users/me",
            Some(&s.access),
            Some(json!({"email": "TAKEN@example.com"})),
        )
        .await;
    assert_eq!(
        r.body["errors"]["email"][0],
        "A user with this email already exists."
    );

    let r = app
        .request(
            Method::PATCH,
            "/api/users/me",
            Some(&s.access),
            Some(json!({"email": "new@example.com"})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        (r.body["email"].as_str(), r.body["pending_email"].as_str()),
        (Some("old@example.com"), Some("new@example.com"))
    );
    let code = app.wait_otp("new@example.com", 0).await;
    let bad = app
        .post_auth(
            "/api/users/confirm-email-change",
            &s.access,
            json!({"otp_code": if code == "999999" { "000000" } else { "999999" }}),
        )
        .await;
    assert_eq!(bad.code(), "otp_invalid");
    let seen_old = app.mails_to("old@example.com");
    let ok = app
        .post_auth(
            "/api/users/confirm-email-change",
            &s.access,
            json!({"otp_code": code}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(
        (
            ok.body["email"].as_str(),
            ok.body["pending_email"].is_null()
        ),
        (Some("new@example.com"), true)
    );
    let warn = app.next_mail("old@example.com", seen_old).await;
    assert_eq!(warn.subject, "Your AutoTrack email address was changed");
    assert!(warn.text.contains("new@example.com"));
    // Sessions stay valid and the new address signs in.
    assert_eq!(app.get("/api/users/me", Some(&s.access)).await.status, 200);
    app.login("new@example.com", PASSWORD).await;
}

/// Answers about mailed codes and links are true to the server: with SMTP they say "sent", without it they say
/// nothing can be sent and who holds the code, in both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_answers_say_whether_mail_can_be_sent() {
    async fn details(app: &TestApp, lang: &str, email: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (path, body) in [
            ("/api/auth/register/", register_body(email)),
            (
                "/api/auth/login/",
                json!({"email": email, "password": PASSWORD}),
            ),
            ("/api/auth/resend-otp/", json!({"email": email})),
            ("/api/auth/forgot-password/", json!({"email": email})),
        ] {
            let req = app
                .client
                .post(format!("{}{path}", app.base))
                .header("accept-language", lang)
                .json(&body);
            let r = TestApp::read(req).await;
            assert!(r.status == 200 || r.status == 201, "{path}: {}", r.text);
            let said = r.body["detail"].as_str().or(r.body["message"].as_str());
            out.push(
                said.unwrap_or_else(|| panic!("{path}: {}", r.text))
                    .to_owned(),
            );
        }
        out
    }
    let with = TestApp::spawn().await;
    let sent = details(&with, "en", "amal@example.com").await;
    assert_eq!(sent[1], "OTP code sent to your email");
    assert_eq!(
        sent[2],
        "If the email is registered, a new OTP has been sent."
    );
    assert!(sent.iter().all(|d| !d.contains("cannot send")), "{sent:?}");

    let without = TestApp::spawn_with(&[], false).await;
    for (lang, words) in [
        ("en", "cannot send mail"),
        ("fr", "ne peut pas envoyer de courriel"),
    ] {
        let said = details(&without, lang, &format!("{lang}@example.com")).await;
        assert!(said.iter().all(|d| d.contains(words)), "{lang}: {said:?}");
    }
}
