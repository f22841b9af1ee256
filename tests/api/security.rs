//! The findings of the outside security review (issue 9), each kept as a black-box test against the real server.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

/// Wrong codes count against the user, not the code: resends and new logins replace the code but the fifth wrong
/// guess within 15 minutes still locks (before, a resend every four guesses never locked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_failures_count_per_user_across_resends_and_logins() {
    let app = TestApp::spawn_with(
        &[
            "--rate-otp-verify",
            "0",
            "--rate-otp-resend",
            "0",
            "--rate-login",
            "0",
        ],
        true,
    )
    .await;
    let email = "guess@example.com";
    app.signup(email).await;
    let login = json!({"email": email, "password": PASSWORD});
    let guess = |code: String| {
        let app = &app;
        async move {
            app.post(
                "/api/users/verify-otp",
                json!({"email": email, "otp_code": code}),
            )
            .await
        }
    };

    let seen = app.mails_to(email);
    assert_eq!(
        app.post("/api/users/login", login.clone()).await.status,
        200
    );
    let code = app.wait_otp(email, seen).await;
    for _ in 0..2 {
        assert_eq!(guess(other_than(&code).into()).await.code(), "otp_invalid");
    }
    let seen = app.mails_to(email);
    let resend = app
        .post("/api/users/resend-otp", json!({"email": email}))
        .await;
    assert_eq!(resend.status, 200);
    let code = app.wait_otp(email, seen).await;
    for _ in 0..2 {
        assert_eq!(guess(other_than(&code).into()).await.code(), "otp_invalid");
    }
    let seen = app.mails_to(email);
    assert_eq!(
        app.post("/api/users/login", login.clone()).await.status,
        200
    );
    let code = app.wait_otp(email, seen).await;
    let fifth = guess(other_than(&code).into()).await;
    assert_eq!((fifth.status, fifth.code()), (429, "otp_locked"));
    assert_eq!(fifth.header("retry-after").as_deref(), Some("900"));
    // The live code died with the lock, and the lock holds for the right code too.
    assert_eq!(guess(code.clone()).await.status, 429);
    let relogin = app.post("/api/users/login", login.clone()).await;
    assert_eq!((relogin.status, relogin.code()), (429, "otp_locked"));

    // The window: four failures, then 16 minutes, then one more is an ordinary wrong code.
    let other = "window@example.com";
    app.signup(other).await;
    let other_login = json!({"email": other, "password": PASSWORD});
    let seen = app.mails_to(other);
    assert_eq!(
        app.post("/api/users/login", other_login.clone())
            .await
            .status,
        200
    );
    let code = app.wait_otp(other, seen).await;
    for _ in 0..4 {
        let r = app
            .post(
                "/api/users/verify-otp",
                json!({"email": other, "otp_code": other_than(&code)}),
            )
            .await;
        assert_eq!(r.code(), "otp_invalid");
    }
    app.advance(chrono::Duration::minutes(16));
    let seen = app.mails_to(other);
    assert_eq!(app.post("/api/users/login", other_login).await.status, 200);
    let code = app.wait_otp(other, seen).await;
    let r = app
        .post(
            "/api/users/verify-otp",
            json!({"email": other, "otp_code": other_than(&code)}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "otp_invalid"), "a new window");
    app.verify(other, &code).await;
}

/// An email change mails a code to an address of the caller's choosing: bounded per account and per address, and
/// the mail to the unverified address carries none of the text the account holder typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_changes_are_throttled_and_mail_no_chosen_text() {
    let app = TestApp::spawn_with(&["--rate-email-change", "3/hour"], true).await;
    let a = app.signup("relay@example.com").await;
    let named = app
        .request(
            Method::PATCH,
            "/api/users/me",
            Some(&a.access),
            Some(json!({"first_name": "Claim your prize at evil.example", "last_name": "Now"})),
        )
        .await;
    assert_eq!(named.status, 200, "{}", named.text);
    for i in 0..3 {
        let to = format!("target{i}@outside.example");
        let r = app
            .request(
                Method::PATCH,
                "/api/users/me",
                Some(&a.access),
                Some(json!({"email": to})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let mail = app.next_mail(&to, 0).await;
        assert!(
            !mail.text.contains("evil.example") && !mail.html.contains("evil.example"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains(&format!("target{i}")), "{}", mail.text);
    }
    let fourth = app
        .request(
            Method::PATCH,
            "/api/users/me",
            Some(&a.access),
            Some(json!({"email": "target3@outside.example", "first_name": "Other"})),
        )
        .await;
    assert_eq!((fourth.status, fourth.code()), (429, "throttled"));
    assert!(fourth.header("retry-after").is_some());
    let me = app.get("/api/users/me", Some(&a.access)).await.body;
    assert_eq!(
        (me["pending_email"].as_str(), me["first_name"].as_str()),
        (
            Some("target2@outside.example"),
            Some("Claim your prize at evil.example")
        ),
        "a throttled change changes nothing"
    );
    // Profile edits without a new address are not counted.
    let r = app
        .request(
            Method::PATCH,
            "/api/users/me",
            Some(&a.access),
            Some(json!({"first_name": "Amal"})),
        )
        .await;
    assert_eq!(r.status, 200);

    // Per address: fresh accounts each within their own budget still cannot flood one inbox.
    let mut sent = 0;
    for n in 0..2 {
        let s = app.signup(&format!("peer{n}@example.com")).await;
        for _ in 0..2 {
            let r = app
                .request(
                    Method::PATCH,
                    "/api/users/me",
                    Some(&s.access),
                    Some(json!({"email": "victim@outside.example"})),
                )
                .await;
            if r.status == 200 {
                sent += 1;
            } else {
                assert_eq!(r.code(), "throttled", "{}", r.text);
            }
        }
    }
    assert_eq!(sent, 3, "three codes to one address per hour");
    app.next_mail("victim@outside.example", 2).await;
    assert_eq!(app.smtp().messages_to("victim@outside.example").len(), 3);
}

/// Registering someone else's address sends them mail; it greets them with their own address, not with the name
/// the registrant typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mails_to_unverified_addresses_carry_no_registrant_text() {
    let app = TestApp::spawn().await;
    let r = app
        .post(
            "/api/users/register",
            json!({"email": "someone@outside.example", "password": PASSWORD, "password_confirm": PASSWORD,
                "first_name": "Call +1-555-EVIL to claim", "last_name": "x"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.wait_otp("someone@outside.example", 0).await;
    let r = app
        .post(
            "/api/users/forgot-password",
            json!({"email": "someone@outside.example"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.mails_to("someone@outside.example") < 3 {
        assert!(std::time::Instant::now() < deadline, "three mails expected");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for mail in app.smtp().messages_to("someone@outside.example") {
        assert!(
            !mail.text.contains("EVIL") && !mail.html.contains("EVIL"),
            "{}: {}",
            mail.subject,
            mail.text
        );
        assert!(mail.text.contains("someone"), "{}", mail.text);
    }
}

/// Turning two-factor login off checks the password: it shares the per-user password throttle with
/// change-password (before, it could be tried without limit).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_password_check_shares_one_throttle() {
    let app = TestApp::spawn_with(
        &[
            "--otp-policy",
            "optional",
            "--rate-password-change",
            "4/hour",
        ],
        true,
    )
    .await;
    let s = app.signup("pw@example.com").await;
    let on = app
        .send(
            "PATCH",
            "/api/settings/update_me/",
            &s.access,
            Some(json!({"otp_enabled": true})),
        )
        .await;
    assert_eq!(on.body["otp_enabled"], true, "{}", on.text);
    let wrong_change = json!({"old_password": "Wrong-Guess-1", "new_password": "New-Password-1",
        "new_password_confirm": "New-Password-1"});
    for _ in 0..2 {
        let r = app
            .post_auth(
                "/api/users/change-password",
                &s.access,
                wrong_change.clone(),
            )
            .await;
        assert_eq!(r.status, 400, "{}", r.text);
    }
    for _ in 0..2 {
        let r = app
            .send(
                "PATCH",
                "/api/settings/update_me/",
                &s.access,
                Some(json!({"otp_enabled": false, "current_password": "Wrong-Guess-2"})),
            )
            .await;
        assert!(
            r.body["errors"]["current_password"].is_array(),
            "{}",
            r.text
        );
    }
    // The bucket of four is empty: the right password is refused too, on both endpoints.
    let r = app
        .send(
            "PATCH",
            "/api/settings/update_me/",
            &s.access,
            Some(json!({"otp_enabled": false, "current_password": PASSWORD})),
        )
        .await;
    assert_eq!((r.status, r.code()), (429, "throttled"), "{}", r.text);
    let r = app
        .post_auth(
            "/api/users/change-password",
            &s.access,
            json!({"old_password": PASSWORD, "new_password": "New-Password-1", "new_password_confirm": "New-Password-1"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (429, "throttled"));
    let settings = app.get("/api/settings/", Some(&s.access)).await.body;
    assert_eq!(settings["results"][0]["otp_enabled"], true);
}

fn no_schedules(extra: &[&'static str]) -> Vec<&'static str> {
    let mut a = vec!["--otp-policy", "off"];
    a.extend_from_slice(NO_SCHEDULES);
    a.extend_from_slice(extra);
    a
}

/// Decompression bombs in every filter lopdf decodes, and a file that made the stream scan quadratic: each fails
/// its own analysis with a reason, and the queue goes on to the next document. (The server's own memory under
/// these files is measured by the CLI test that runs `serve` as a process.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pdfs_fail_their_analysis_and_the_queue_goes_on() {
    use crate::hostile;
    let app = TestApp::spawn_with(&no_schedules(&[]), false).await;
    let s = app.user("hostile@example.com").await;
    let mut ids = Vec::new();
    for (name, bytes) in [
        ("objstm.pdf", hostile::objstm_zlib_window_bomb(400)),
        ("lzw.pdf", hostile::lzw_bomb(1024)),
        ("a85.pdf", hostile::ascii85_flate_bomb(1024)),
        ("objstm-lzw.pdf", hostile::objstm_lzw_bomb(1024)),
        ("flood.pdf", hostile::stream_keyword_flood(4 * 1024 * 1024)),
    ] {
        let r = app.upload(&s.access, name, bytes).await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
        ids.push((name, r.body["id"].as_i64().unwrap()));
    }
    let text = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invoice-text.pdf"),
    )
    .unwrap();
    let fine = app.upload(&s.access, "fine.pdf", text).await.body["id"]
        .as_i64()
        .unwrap();
    let report = app.run_job("analyze_documents").await;
    assert_eq!(report.items, 6, "{report:?}");
    let too_large = "The PDF is too large to analyse once decompressed.";
    let memory = "The file needs more memory to analyse than this server allows.";
    let unreadable = "The file could not be read (damaged or unsupported).";
    for (name, id) in ids {
        let d = app
            .get(&format!("/api/documents/{id}"), Some(&s.access))
            .await
            .body;
        // Streams are decoded within bounds as they are read; lopdf's expansion of object streams while
        // loading is only bounded by the worker's memory limit.
        let expected = match name {
            "objstm-lzw.pdf" => memory,
            "flood.pdf" => unreadable,
            _ => too_large,
        };
        assert_eq!(
            (d["analysis_status"].as_str(), d["analysis_error"].as_str()),
            (Some("failed"), Some(expected)),
            "{name}: {d}"
        );
    }
    let d = app
        .get(&format!("/api/documents/{fine}"), Some(&s.access))
        .await
        .body;
    assert_eq!(d["analysis_status"], "done", "{d}");
    assert_eq!(app.get("/api/health/", None).await.status, 200);
}

/// A ZIP is a Word document when its central directory lists the parts of one, not when the name appears in its
/// bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docx_is_recognised_by_its_entries() {
    let app = TestApp::spawn_with(&no_schedules(&[]), false).await;
    let s = app.user("zip@example.com").await;
    let r = app
        .upload(
            &s.access,
            "notes.docx",
            crate::hostile::zip_naming_docx_in_content(),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["errors"]["file"].is_array());
    let r = app
        .upload(&s.access, "letter.docx", crate::hostile::minimal_docx())
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["mime_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
}

/// Every authenticated answer is kept out of caches, whatever the module (before, only `/api/users/`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticated_answers_are_not_stored() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let s = app.user("cache@example.com").await;
    for path in [
        "/api/vehicles/",
        "/api/maintenances/",
        "/api/notifications/",
        "/api/settings/",
        "/api/documents/",
        "/api/subscriptions/usage/",
        "/api/vehicles/999999/",
        "/api/users/me/",
    ] {
        let r = app.get(path, Some(&s.access)).await;
        assert_eq!(
            r.header("cache-control").as_deref(),
            Some("no-store"),
            "{path} ({})",
            r.status
        );
    }
}

/// No `ordering` value reaches SQLite's limit of ORDER BY terms: a repeated field counts once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_orderings_are_not_server_errors() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let s = app.user("order@example.com").await;
    let ordering = ["rating", "-created_at"].repeat(1500).join(",");
    let r = app
        .get(&format!("/api/reviews/?ordering={ordering}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ordering = ["-year", "make", "model", "nope"].repeat(800).join(",");
    let r = app
        .get(
            &format!("/api/vehicles/?ordering={ordering}"),
            Some(&s.access),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// `check-limits` cannot be overflowed into `allowed`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_limits_does_not_overflow() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let s = app.user("limits@example.com").await;
    // Some usage first: the overflow is `current + requested`.
    let r = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "Renault", "model": "Clio", "year": 2019})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .upload(&s.access, "scan.pdf", crate::hostile::minimal_docx())
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for query in [
        format!("resource=storage&bytes={}", i64::MAX),
        format!("resource=vehicles&amount={}", i64::MAX),
    ] {
        let r = app
            .get(
                &format!("/api/subscriptions/check-limits/?{query}"),
                Some(&s.access),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["allowed"], false, "{query}: {}", r.text);
    }
}

/// `*` means any origin (it panicked at start before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_star_allows_any_origin() {
    let app = TestApp::spawn_with(&["--cors-origins", "*"], false).await;
    let r = TestApp::read(
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/vehicles/", app.base),
            )
            .header("Origin", "https://anything.example")
            .header("Access-Control-Request-Method", "GET"),
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
}

/// The SMTP server's address is for admins; everyone else gets the status of the last 30 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_health_shows_the_server_to_admins_only_and_is_cached_for_others() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin("root@example.com").await;
    let user = app.signup("plain@example.com").await;
    let anonymous = app.get("/api/health/smtp/", None).await;
    assert_eq!(anonymous.status, 200, "{}", anonymous.text);
    assert_eq!(
        anonymous.body,
        json!({"status": "healthy", "smtp": "connected"})
    );
    let plain = app.get("/api/health/smtp/", Some(&user.access)).await;
    assert_eq!(plain.body, anonymous.body, "a user is not an admin");
    let bad = app.get("/api/health/smtp/", Some("not-a-token")).await;
    assert_eq!(bad.status, 200, "a bad token is ignored");
    let full = app.get("/api/health/smtp/", Some(&admin.access)).await;
    assert_eq!(full.body["host"], "127.0.0.1");
    assert_eq!(full.body["tls"], "none");
    assert!(full.body["port"].as_u64().is_some());
    // With the SMTP server gone, others still see the cached answer; an admin's check is fresh.
    app.smtp_mut().stop();
    assert_eq!(app.get("/api/health/smtp/", None).await.status, 200);
    let fresh = app.get("/api/health/smtp/", Some(&admin.access)).await;
    assert_eq!(fresh.status, 503, "{}", fresh.text);
    assert!(fresh.body.get("host").is_none());
}

/// Reminder mails carry text the account holder typed (vehicle, service): an address nobody verified gets none;
/// the reminder still shows in the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_not_mailed_to_unverified_addresses() {
    let app = TestApp::spawn_with(&no_schedules(&["--default-plan", "premium"]), true).await;
    let s = app.user("unverified@outside.example").await;
    let v = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "Call +1-555-EVIL", "model": "now", "year": 2019})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let when = (chrono::Utc::now() + chrono::Duration::hours(12)).to_rfc3339();
    let r = app
        .send(
            "POST",
            "/api/maintenances",
            &s.access,
            Some(json!({"vehicle": v, "service_date": when, "service_type": "Vidange"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.run_job("maintenance_reminders").await.items, 1);
    app.run_job("deliver_mail").await;
    let notes = app.get("/api/notifications/", Some(&s.access)).await.body;
    assert!(
        notes["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["notification_type"] == "maintenance_reminder"),
        "{notes}"
    );
    assert!(
        app.smtp()
            .messages_to("unverified@outside.example")
            .iter()
            .all(|m| !m.text.contains("EVIL")),
        "no reminder mail"
    );
}
