//! The Stripe webhook (billing.md §9) and the event log (§10): signed deliveries over HTTP, built and signed here
//! exactly as Stripe does (HMAC-SHA256 of "t.body" with the endpoint secret), applied once, in Stripe's order.

use serde_json::{Value, json};

use crate::helpers::*;

const SECRET: &str = "whsec_test_autotrack";
const FLAGS: &[&str] = &[
    "--otp-policy",
    "off",
    "--stripe-webhook-secret",
    "whsec_old_rotated,whsec_test_autotrack",
    "--stripe-secret-key",
    "sk_test_autotrack",
];

fn event(id: &str, kind: &str, created: i64, object: Value) -> Value {
    json!({"id": id, "object": "event", "api_version": "2026-09-30.endive", "type": kind, "created": created,
        "livemode": false, "pending_webhooks": 1, "request": {"id": null}, "data": {"object": object}})
}

fn subscription(user: i64, status: &str, cancel: bool, start: i64) -> Value {
    json!({"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status,
        "cancel_at_period_end": cancel, "canceled_at": null, "metadata": {"user_id": user.to_string()},
        "items": {"object": "list", "data": [{"id": "si_1", "price": {"id": "price_std"},
            "current_period_start": start, "current_period_end": start + 30 * 86400}]}})
}

fn invoice(id: &str, attempt: i64) -> Value {
    json!({"id": id, "object": "invoice", "customer": "cus_1", "amount_due": 999, "amount_paid": 999,
        "currency": "eur", "attempt_count": attempt, "next_payment_attempt": null,
        "parent": {"subscription_details": {"subscription": "sub_1"}}})
}

async fn deliver_raw(app: &TestApp, body: Vec<u8>, signature: String) -> Resp {
    let req = app
        .client
        .post(format!("{}/api/stripe/", app.base))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(body);
    TestApp::read(req).await
}

/// Signed now (the app's clock) with the current secret.
async fn deliver(app: &TestApp, e: &Value) -> Resp {
    let body = serde_json::to_vec(e).unwrap();
    let t = app.state.clock.now().timestamp();
    let signature = autotrack::billing::signature::sign(&body, SECRET, t);
    deliver_raw(app, body, signature).await
}

async fn sell_standard(app: &TestApp, admin: &Session) {
    let plans = app.get("/api/plans/?ordering=sort_order", None).await;
    let id = plans.body["results"][1]["id"].as_i64().unwrap();
    let r = app
        .send(
            "PATCH",
            &format!("/api/plans/{id}/"),
            &admin.access,
            Some(json!({"stripe_price_id": "price_std"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The first mail to `to` with this subject, waiting for its delivery.
async fn wait_subject(app: &TestApp, to: &str, subject: &str) -> crate::smtp::ReceivedMail {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(m) = app
            .smtp()
            .messages_to(to)
            .into_iter()
            .find(|m| m.subject == subject)
        {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mail {subject:?} to {to}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.smtp()
        .messages_to(to)
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_subscription_follows_stripe_events_once_and_in_order() {
    let app = TestApp::spawn_with(FLAGS, true).await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;
    sell_standard(&app, &admin).await;
    let t0 = app.state.clock.now().timestamp() - 60;
    let uid = amal.user_id;

    // Created unpaid: not entitling yet, the free plan stays current.
    let r = deliver(
        &app,
        &event(
            "evt_1",
            "customer.subscription.created",
            t0,
            subscription(uid, "incomplete", false, t0),
        ),
    )
    .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("success")),
        "{}",
        r.text
    );
    let current = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(current.body["plan"]["_id"], "free");

    // Paid: active, Standard's limits, the free subscription superseded, one confirmation.
    let paid = event("evt_2", "invoice.paid", t0 + 1, invoice("in_1", 1));
    assert_eq!(deliver(&app, &paid).await.body["status"], "success");
    let again = deliver(&app, &paid).await;
    assert_eq!(
        (again.status, again.body["status"].as_str()),
        (200, Some("duplicate")),
        "{}",
        again.text
    );
    let active = app
        .get("/api/subscriptions/active", Some(&amal.access))
        .await;
    let a = &active.body;
    assert_eq!(
        (a["plan_code"].as_str(), a["status"].as_str()),
        (Some("standard"), Some("active")),
        "{}",
        active.text
    );
    assert_eq!(
        (
            a["stripe_subscription_id"].as_str(),
            a["is_stripe_managed"].as_bool()
        ),
        (Some("sub_1"), Some(true))
    );
    assert!(a["current_period_end"].is_string(), "{}", active.text);
    assert_eq!(
        app.get("/api/subscriptions/usage", Some(&amal.access))
            .await
            .body["usage"]["vehicles"]["limit"],
        10
    );
    assert_eq!(
        app.db_value("SELECT stripe_customer_id FROM users WHERE email = 'amal@example.com'"),
        "cus_1"
    );
    let mail = wait_subject(
        &app,
        "amal@example.com",
        "Your AutoTrack subscription is confirmed",
    )
    .await;
    assert!(mail.text.contains("Standard"), "{}", mail.text);

    // An older event arriving late changes nothing.
    let late = deliver(
        &app,
        &event(
            "evt_0",
            "customer.subscription.updated",
            t0 - 5,
            subscription(uid, "incomplete", false, t0),
        ),
    )
    .await;
    assert_eq!(late.body["status"], "ignored", "{}", late.text);
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&amal.access))
            .await
            .body["status"],
        "active"
    );

    // The checkout that started it, delivered after the subscription's own events: they own its state.
    let session = json!({"id": "cs_1", "object": "checkout.session", "mode": "subscription", "customer": "cus_1",
        "subscription": "sub_1", "client_reference_id": uid.to_string(), "payment_status": "unpaid",
        "metadata": {"user_id": uid.to_string(), "plan_code": "premium"}});
    let checkout = deliver(
        &app,
        &event("evt_cs", "checkout.session.completed", t0 + 1, session),
    )
    .await;
    assert_eq!(checkout.body["status"], "success", "{}", checkout.text);
    let after = app
        .get("/api/subscriptions/active", Some(&amal.access))
        .await;
    assert_eq!(
        (
            after.body["plan_code"].as_str(),
            after.body["status"].as_str()
        ),
        (Some("standard"), Some("active")),
        "{}",
        after.text
    );

    // Cancellation scheduled from the portal, then a failed payment, then the deletion.
    let r = deliver(
        &app,
        &event(
            "evt_3",
            "customer.subscription.updated",
            t0 + 2,
            subscription(uid, "active", true, t0),
        ),
    )
    .await;
    assert_eq!(r.body["status"], "success", "{}", r.text);
    let r = deliver(
        &app,
        &event(
            "evt_4",
            "invoice.payment_failed",
            t0 + 3,
            invoice("in_2", 1),
        ),
    )
    .await;
    assert_eq!(r.body["status"], "success", "{}", r.text);
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&amal.access))
            .await
            .body["status"],
        "past_due"
    );
    let mut deleted = subscription(uid, "canceled", false, t0);
    deleted["ended_at"] = json!(t0 + 4);
    let r = deliver(
        &app,
        &event("evt_5", "customer.subscription.deleted", t0 + 4, deleted),
    )
    .await;
    assert_eq!(r.body["status"], "success", "{}", r.text);
    let current = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(current.body["plan"]["_id"], "free", "{}", current.text);
    // Once deleted, it stays cancelled.
    let r = deliver(
        &app,
        &event(
            "evt_6",
            "customer.subscription.updated",
            t0 + 5,
            subscription(uid, "active", false, t0),
        ),
    )
    .await;
    assert_eq!(r.body["status"], "ignored", "{}", r.text);
    let r = deliver(
        &app,
        &event("evt_7", "customer.created", t0 + 6, json!({"id": "cus_1"})),
    )
    .await;
    assert_eq!(r.body["status"], "ignored", "{}", r.text);

    let sub = app.db_value("SELECT id FROM subscriptions WHERE stripe_subscription_id = 'sub_1'");
    let events = app.db_value(&format!(
        "SELECT group_concat(event_type, ',') FROM (SELECT event_type FROM subscription_history WHERE subscription_id = {sub} ORDER BY id)"
    ));
    assert_eq!(
        events,
        "created,payment_succeeded,cancel_scheduled,payment_failed,cancelled"
    );
    // Each mail once, whatever the deliveries.
    wait_subject(
        &app,
        "amal@example.com",
        "Payment failed for your AutoTrack subscription",
    )
    .await;
    wait_subject(
        &app,
        "amal@example.com",
        "Your AutoTrack subscription has ended",
    )
    .await;
    let mut got = subjects(&app, "amal@example.com");
    got.retain(|s| !s.contains("code") && !s.contains("Welcome"));
    got.sort();
    assert_eq!(
        got,
        [
            "Payment failed for your AutoTrack subscription",
            "Your AutoTrack subscription has ended",
            "Your AutoTrack subscription is confirmed",
        ]
    );
    let counts = app.db_value("SELECT group_concat(status || ':' || delivery_count, ',') FROM (SELECT status, delivery_count FROM stripe_events ORDER BY stripe_event_id)");
    assert_eq!(
        counts,
        "ignored:1,processed:1,processed:2,processed:1,processed:1,processed:1,ignored:1,ignored:1,processed:1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_deliveries_are_refused_and_store_nothing() {
    let plain = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let e = event("evt_x", "invoice.paid", 1_800_000_000, invoice("in_1", 1));
    let r = deliver(&plain, &e).await;
    assert_eq!(
        (r.status, r.code()),
        (503, "billing_not_configured"),
        "{}",
        r.text
    );

    let app = TestApp::spawn_with(FLAGS, false).await;
    let body = serde_json::to_vec(&e).unwrap();
    let now = app.state.clock.now().timestamp();
    let sign = |b: &[u8], secret: &str, t: i64| autotrack::billing::signature::sign(b, secret, t);
    for (why, sig) in [
        ("wrong secret", sign(&body, "whsec_other", now)),
        ("stale", sign(&body, SECRET, now - 400)),
        ("future", sign(&body, SECRET, now + 400)),
        ("missing", String::new()),
        ("garbage", "t=abc,v1=zz".to_owned()),
    ] {
        let r = deliver_raw(&app, body.clone(), sig).await;
        assert_eq!(
            (r.status, r.code()),
            (400, "invalid_signature"),
            "{why}: {}",
            r.text
        );
    }
    // The old secret still verifies during a rotation.
    let r = deliver_raw(&app, body.clone(), sign(&body, "whsec_old_rotated", now)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Signed but not an event.
    for bad in [
        &b"not json"[..],
        b"[1,2]",
        br#"{"id":"evt_y","type":"x","created":1}"#,
        br#"{"id":"evt_z","type":"x","created":"1","data":{"object":{}}}"#,
    ] {
        let r = deliver_raw(&app, bad.to_vec(), sign(bad, SECRET, now)).await;
        assert_eq!((r.status, r.code()), (400, "invalid_payload"), "{}", r.text);
    }
    let huge = vec![b' '; 1024 * 1024 + 1];
    let r = deliver_raw(&app, huge.clone(), sign(&huge, SECRET, now)).await;
    assert_eq!(r.status, 413, "{}", r.text);
    // A live event on a test key: stored, ignored.
    let mut live = event("evt_live", "invoice.paid", now, invoice("in_9", 1));
    live["livemode"] = json!(true);
    let r = deliver(&app, &live).await;
    assert_eq!(r.body["status"], "ignored", "{}", r.text);
    assert_eq!(
        app.db_value("SELECT count(*) FROM stripe_events"),
        2,
        "only the two verified events"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_event_is_kept_and_retried_by_an_admin() {
    let app = TestApp::spawn_with(FLAGS, false).await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;
    sell_standard(&app, &admin).await;
    let t0 = app.state.clock.now().timestamp();
    // The database refuses the history row: processing fails and rolls back.
    let conn = rusqlite::Connection::open(app.state.db.path()).unwrap();
    conn.execute_batch("CREATE TRIGGER no_history BEFORE INSERT ON subscription_history BEGIN SELECT RAISE(ABORT, 'history refused'); END;").unwrap();
    let e = event(
        "evt_f",
        "customer.subscription.created",
        t0,
        subscription(amal.user_id, "active", false, t0),
    );
    let r = deliver(&app, &e).await;
    assert_eq!((r.status, r.code()), (500, "internal_error"), "{}", r.text);
    assert_eq!(
        app.db_value("SELECT count(*) FROM subscriptions WHERE stripe_subscription_id = 'sub_1'"),
        0
    );
    let unprocessed = app
        .get("/api/events/unprocessed/", Some(&admin.access))
        .await;
    assert_eq!(
        unprocessed.body[0]["status"], "failed",
        "{}",
        unprocessed.text
    );
    assert!(
        unprocessed.body[0]["error_message"]
            .as_str()
            .unwrap()
            .contains("history refused")
    );
    let id = unprocessed.body[0]["id"].as_i64().unwrap();
    assert_eq!(
        app.get("/api/events/", Some(&amal.access)).await.status,
        403
    );

    conn.execute_batch("DROP TRIGGER no_history;").unwrap();
    let retried = app
        .send(
            "POST",
            &format!("/api/events/{id}/retry/"),
            &admin.access,
            None,
        )
        .await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(
        (
            retried.body["status"].as_str(),
            retried.body["processed"].as_bool()
        ),
        (Some("processed"), Some(true))
    );
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&amal.access))
            .await
            .body["plan_code"],
        "standard"
    );
    let twice = app
        .send(
            "POST",
            &format!("/api/events/{id}/retry/"),
            &admin.access,
            None,
        )
        .await;
    assert_eq!(
        (twice.status, twice.code()),
        (409, "conflict"),
        "{}",
        twice.text
    );
    // A redelivery of it now is a duplicate.
    assert_eq!(deliver(&app, &e).await.body["status"], "duplicate");
    let listed = app
        .get(
            "/api/events/?status=processed&event_type=customer.subscription.created",
            Some(&admin.access),
        )
        .await;
    assert_eq!(listed.body["count"], 1, "{}", listed.text);
    assert_eq!(listed.body["results"][0]["delivery_count"], 2);
    assert_eq!(listed.body["results"][0]["payload"]["id"], "evt_f");
}
