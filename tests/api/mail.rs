//! The outbox: nothing is lost when SMTP is down or absent, and nothing is sent twice.

use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_survives_an_smtp_outage_and_delivers_once() {
    let mut app = TestApp::spawn().await;
    app.smtp_mut().stop();
    let r = app.post("/api/users/register", json!({"email": "out@example.com", "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "O", "last_name": "U"})).await;
    assert_eq!(r.status, 201);
    // Delivery is attempted (kicked by the request) and fails: both mails wait for a retry.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while app.db_value("SELECT count(*) FROM mail_outbox WHERE status = 'pending' AND attempts = 1")
        != 2
    {
        assert!(
            std::time::Instant::now() < deadline,
            "delivery was not attempted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        app.db_value("SELECT last_error FROM mail_outbox LIMIT 1")
            .as_str()
            .is_some()
    );
    let h = app.get("/api/health/smtp", None).await;
    assert_eq!(h.body["outbox_pending"], 2);

    app.smtp_mut().restart();
    // Not before the backoff...
    let report = app.run_job("deliver_mail").await;
    assert_eq!((report.status.as_str(), report.items), ("succeeded", 0));
    // ...then exactly once.
    app.advance(chrono::Duration::minutes(2));
    let report = app.run_job("deliver_mail").await;
    assert_eq!(report.items, 2, "{}", report.summary);
    app.advance(chrono::Duration::hours(13));
    assert_eq!(app.run_job("deliver_mail").await.items, 0);
    assert_eq!(app.mails_to("out@example.com"), 2);
    assert_eq!(
        app.db_value("SELECT count(*) FROM mail_outbox WHERE status = 'sent'"),
        2
    );
    // Each row has its own stable Message-ID (a re-send after a crash repeats it).
    let mut ids: Vec<String> = app
        .smtp()
        .messages_to("out@example.com")
        .into_iter()
        .filter_map(|m| m.message_id)
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 2);
    assert!(ids[0] != ids[1]);
    assert!(
        ids.iter().all(|i| i.starts_with("autotrack.outbox.")),
        "{ids:?}"
    );
    // The code is removed from the stored context once sent.
    assert_eq!(
        app.db_value(
            "SELECT count(*) FROM mail_outbox WHERE json_extract(context, '$.otp_code') IS NOT NULL"
        ),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_not_delivered_in_time_expire_unsent() {
    let mut app = TestApp::spawn().await;
    app.smtp_mut().stop();
    app.post("/api/users/register", json!({"email": "late@example.com", "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "L", "last_name": "T"})).await;
    app.advance(chrono::Duration::minutes(11));
    app.smtp_mut().restart();
    let report = app.run_job("deliver_mail").await;
    assert_eq!(report.status, "succeeded");
    assert_eq!(
        app.db_value("SELECT status FROM mail_outbox WHERE template = 'otp'"),
        "expired"
    );
    let msgs = app.smtp().messages_to("late@example.com");
    assert!(
        msgs.iter().all(|m| !m.subject.contains("code")),
        "an expired code is never sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mail_waits_and_nothing_fails() {
    let app = TestApp::spawn_with(&[], false).await;
    let r = app.post("/api/users/register", json!({"email": "wait@example.com", "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "W", "last_name": "T"})).await;
    assert_eq!(r.status, 201);
    let report = app.run_job("deliver_mail").await;
    assert_eq!(report.status, "succeeded");
    assert!(report.summary.contains("SMTP not configured"));
    let h = app.get("/api/health/smtp/", None).await;
    assert_eq!(
        (h.body["status"].as_str(), h.body["outbox_pending"].as_i64()),
        (Some("disabled"), Some(2))
    );
    assert_eq!(
        app.db_value("SELECT count(*) FROM mail_outbox WHERE status = 'pending'"),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_once_each_and_hold_a_lease() {
    // The server's own scheduler is turned off (empty schedules) so that only this test takes leases.
    let app = TestApp::spawn_with(NO_SCHEDULES, false).await;
    let reports = autotrack::scheduler::run_once(&app.state, None)
        .await
        .unwrap();
    let names: Vec<&str> = reports.iter().map(|r| r.job.as_str()).collect();
    assert_eq!(
        names,
        [
            "deliver_mail",
            "analyze_documents",
            "maintenance_reminders",
            "expire_subscriptions",
            "renewal_reminders",
            "stripe_reconcile",
            "cleanup_auth",
            "cleanup_notifications",
            "cleanup_files",
            "prune_logs",
            "health_probe"
        ]
    );
    assert!(
        reports.iter().all(|r| r.status == "succeeded"),
        "{reports:?}"
    );
    // A run already holding the lease makes a second start skip.
    app.state.db.write(|tx| {
        tx.execute("INSERT INTO job_runs (job, trigger, status, started_at, lease_until) VALUES ('cleanup_auth', 'manual', 'running', '2000-01-01T00:00:00.000000Z', '2999-01-01T00:00:00.000000Z')", [])?;
        Ok(())
    }).await.unwrap();
    assert_eq!(app.run_job("cleanup_auth").await.status, "skipped");
    assert!(
        autotrack::scheduler::run_once(&app.state, Some("nope"))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_removes_old_auth_rows() {
    let app = TestApp::spawn().await;
    let s = app.signup("old@example.com").await;
    app.post_auth("/api/users/logout", &s.access, json!({}))
        .await;
    app.post(
        "/api/users/forgot-password",
        json!({"email": "old@example.com"}),
    )
    .await;
    app.advance(chrono::Duration::days(31));
    let report = app.run_job("cleanup_auth").await;
    assert!(report.items >= 2, "{report:?}");
    assert_eq!(app.db_value("SELECT count(*) FROM sessions"), 0);
    assert_eq!(
        app.db_value("SELECT count(*) FROM password_reset_tokens"),
        0
    );
    assert_eq!(app.db_value("SELECT count(*) FROM users"), 1);
}
