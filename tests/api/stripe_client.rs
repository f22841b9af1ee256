//! The Stripe API through the production client, against localstripe and the fake in front of it
//! (`tests/common/stripe.rs`): the health check, checkout, the portal, invoices, and Stripe's failures.

use serde_json::json;

use crate::helpers::*;
use crate::stripe::StripeServer;

async fn app_with(stripe: &StripeServer) -> TestApp {
    let base = stripe.base();
    TestApp::spawn_with(
        &[
            "--otp-policy",
            "off",
            "--stripe-secret-key",
            "sk_test_autotrack",
            "--stripe-api-base",
            &base,
        ],
        false,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_portal_invoices_and_health_through_stripe() {
    let stripe = StripeServer::start();
    let app = app_with(&stripe).await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;
    let price = stripe.price(999).await;
    let plans = app.get("/api/plans/?ordering=sort_order", None).await;
    let standard = plans.body["results"][1]["id"].as_i64().unwrap();
    let r = app
        .send(
            "PATCH",
            &format!("/api/plans/{standard}/"),
            &admin.access,
            Some(json!({"stripe_price_id": price})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["purchasable"].as_bool()),
        (200, Some(true)),
        "{}",
        r.text
    );

    let health = app.get("/api/health/stripe/", None).await;
    assert_eq!(
        health.body,
        json!({"status": "healthy", "stripe": "connected", "livemode": false})
    );

    // No customer yet: no portal, no invoices.
    let portal = app
        .send("POST", "/api/subscriptions/portal", &amal.access, None)
        .await;
    assert_eq!(
        (portal.status, portal.code()),
        (400, "no_billing_account"),
        "{}",
        portal.text
    );
    let none = app
        .get("/api/subscriptions/invoices", Some(&amal.access))
        .await;
    assert_eq!(none.body, json!([]));

    let free = app
        .send(
            "POST",
            "/api/subscriptions/checkout",
            &amal.access,
            Some(json!({"plan_code": "free"})),
        )
        .await;
    assert_eq!(
        (free.status, free.code()),
        (400, "invalid_plan"),
        "{}",
        free.text
    );
    let no_price = app
        .send(
            "POST",
            "/api/subscriptions/checkout",
            &amal.access,
            Some(json!({"plan_code": "premium"})),
        )
        .await;
    assert_eq!(
        (no_price.status, no_price.code()),
        (503, "billing_not_configured"),
        "{}",
        no_price.text
    );

    let c = app
        .send(
            "POST",
            "/api/subscriptions/checkout",
            &amal.access,
            Some(json!({"plan_code": "standard"})),
        )
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(
        (
            c.body["requiresPayment"].as_bool(),
            c.body["plan"]["_id"].as_str()
        ),
        (Some(true), Some("standard"))
    );
    assert!(
        c.body["checkoutUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.com/c/pay/cs_test_")
    );
    let session = c.body["sessionId"].as_str().unwrap().to_owned();
    let history = app
        .get("/api/subscriptions/history", Some(&amal.access))
        .await;
    assert_eq!(history.body[0]["event_type"], "checkout_started");
    assert_eq!(
        history.body[0]["metadata"],
        json!({"plan_code": "standard", "session_id": session})
    );
    // The plan does not change before Stripe says it is paid.
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&amal.access))
            .await
            .body["plan_code"],
        "free"
    );

    let requests = stripe.requests().await;
    let posts: Vec<&serde_json::Value> = requests
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] != "/v1/prices")
        .collect();
    assert_eq!(
        posts
            .iter()
            .map(|r| r["path"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["/v1/customers", "/v1/checkout/sessions"]
    );
    assert!(
        posts
            .iter()
            .all(|r| r["idempotency_key"].as_str().is_some_and(|k| k.len() >= 32)),
        "{posts:?}"
    );
    let form = &posts[1]["form"];
    assert_eq!(
        (form["mode"].as_str(), form["client_reference_id"].as_str()),
        (
            Some("subscription"),
            Some(amal.user_id.to_string().as_str())
        )
    );
    assert_eq!(form["metadata"]["plan_code"], "standard");
    assert_eq!(form["line_items"][0]["price"], price.as_str());

    let portal = app
        .send("POST", "/api/subscriptions/portal", &amal.access, None)
        .await;
    assert_eq!(portal.status, 200, "{}", portal.text);
    assert!(
        portal.body["portalUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://billing.stripe.com/p/session/")
    );
    let invoices = app
        .get("/api/subscriptions/invoices?limit=5", Some(&amal.access))
        .await;
    assert_eq!(
        (invoices.status, invoices.body.clone()),
        (200, json!([])),
        "{}",
        invoices.text
    );
    let bad = app
        .get("/api/subscriptions/invoices?limit=500", Some(&amal.access))
        .await;
    assert_eq!((bad.status, bad.code()), (400, "validation_error"));

    // Stripe failing: 502, nothing recorded; the health check says so.
    stripe.fail("/v1/checkout/sessions", 1, 500).await;
    let zoe = app.user("zoe@example.com").await;
    let failed = app
        .send(
            "POST",
            "/api/subscriptions/checkout",
            &zoe.access,
            Some(json!({"plan_code": "standard"})),
        )
        .await;
    assert_eq!(
        (failed.status, failed.code()),
        (502, "provider_error"),
        "{}",
        failed.text
    );
    let zoe_history = app
        .get("/api/subscriptions/history", Some(&zoe.access))
        .await;
    assert!(
        zoe_history
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["event_type"] != "checkout_started")
    );
    stripe.fail("/v1/balance", 1, 401).await;
    let down = app.get("/api/health/stripe/", None).await;
    assert_eq!(
        (down.status, down.body.clone()),
        (
            503,
            json!({"status": "unhealthy", "stripe": "error", "http_status": 401})
        )
    );
}

/// Calls Stripe (the fake, forwarding to localstripe) directly, as the test's own Stripe dashboard.
async fn stripe_post(
    stripe: &StripeServer,
    path: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", stripe.base()))
        .basic_auth("sk_test_autotrack", Some(""))
        .form(form)
        .send()
        .await
        .expect("stripe call");
    let status = r.status();
    let v: serde_json::Value = r.json().await.expect("stripe json");
    assert!(status.is_success(), "{path}: {v}");
    v
}

/// An app whose Standard and Premium plans have Stripe prices, and a user (zoe) subscribed to Standard at Stripe and
/// here, through a signed `customer.subscription.created` (first payment through change-plan's Checkout answer).
struct Subscribed {
    app: TestApp,
    zoe: Session,
    sid: String,
    standard_price: String,
    premium_price: String,
}

/// Delivers a Stripe event to the webhook, signed with the app's secret.
async fn deliver(app: &TestApp, event: &serde_json::Value) -> Resp {
    let body = serde_json::to_vec(event).unwrap();
    let now = app.state.clock.now().timestamp();
    let signature = autotrack::billing::signature::sign(&body, "whsec_client", now);
    TestApp::read(
        app.client
            .post(format!("{}/api/stripe/", app.base))
            .header("content-type", "application/json")
            .header("stripe-signature", signature)
            .body(body),
    )
    .await
}

async fn subscribed(stripe: &StripeServer) -> Subscribed {
    let base = stripe.base();
    let app = TestApp::spawn_with(
        &[
            "--otp-policy",
            "off",
            "--stripe-secret-key",
            "sk_test_autotrack",
            "--stripe-api-base",
            &base,
            "--stripe-webhook-secret",
            "whsec_client",
            // Reconciliation runs when a test says so.
            "--job-stripe-reconcile",
            "",
        ],
        false,
    )
    .await;
    let admin = app.admin("boss@example.com").await;
    let zoe = app.user("zoe@example.com").await;
    let (standard_price, premium_price) = (stripe.price(999).await, stripe.price(1999).await);
    let plans = app.get("/api/plans/?ordering=sort_order", None).await;
    for (i, price) in [(1, &standard_price), (2, &premium_price)] {
        let id = plans.body["results"][i]["id"].as_i64().unwrap();
        let r = app
            .send(
                "PATCH",
                &format!("/api/plans/{id}/"),
                &admin.access,
                Some(json!({"stripe_price_id": price})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    // First payment: change-plan answers where to pay.
    let pay = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &zoe.access,
            Some(json!({"plan_code": "standard"})),
        )
        .await;
    assert_eq!(pay.status, 200, "{}", pay.text);
    assert_eq!(pay.body["requiresPayment"], true, "{}", pay.text);
    assert!(
        pay.body["checkoutUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.com/")
    );
    let customer =
        app.db_value("SELECT stripe_customer_id FROM users WHERE email = 'zoe@example.com'");
    let customer = customer.as_str().unwrap().to_owned();

    // Stripe's side: a card, a subscription on Standard, and its event delivered here.
    let card = stripe_post(
        stripe,
        "/v1/payment_methods",
        &[
            ("type", "card"),
            ("card[number]", "4242424242424242"),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2030"),
            ("card[cvc]", "123"),
        ],
    )
    .await;
    let pm = card["id"].as_str().unwrap();
    stripe_post(
        stripe,
        &format!("/v1/payment_methods/{pm}/attach"),
        &[("customer", &customer)],
    )
    .await;
    stripe_post(
        stripe,
        &format!("/v1/customers/{customer}"),
        &[("invoice_settings[default_payment_method]", pm)],
    )
    .await;
    let sub = stripe_post(
        stripe,
        "/v1/subscriptions",
        &[
            ("customer", &customer),
            ("items[0][price]", &standard_price),
        ],
    )
    .await;
    let sid = sub["id"].as_str().unwrap().to_owned();
    let now = app.state.clock.now().timestamp();
    let event = json!({"id": "evt_client_1", "type": "customer.subscription.created", "created": now, "livemode": false,
        "data": {"object": {"id": sid, "customer": customer, "status": "active", "cancel_at_period_end": false,
            "metadata": {"user_id": zoe.user_id.to_string()},
            "items": {"data": [{"id": "si_x", "price": {"id": standard_price}, "current_period_start": now,
                "current_period_end": now + 30 * 86400}]}}}});
    let r = deliver(&app, &event).await;
    assert_eq!(r.body["status"], "success", "{}", r.text);
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&zoe.access))
            .await
            .body["plan_code"],
        "standard"
    );

    Subscribed {
        app,
        zoe,
        sid,
        standard_price,
        premium_price,
    }
}

/// A subscription that exists at Stripe and here (through its signed `customer.subscription.created`): a paid
/// change waits for Stripe (202), cancellation and resumption go to Stripe first, an immediate cancel deletes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stripe_subscription_changes_through_stripe_first() {
    let stripe = StripeServer::start();
    let Subscribed {
        app,
        zoe,
        sid,
        premium_price,
        ..
    } = subscribed(&stripe).await;
    // A paid change: Stripe is asked to change the price; the plan waits for its confirmation.
    let up = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &zoe.access,
            Some(json!({"plan_code": "premium"})),
        )
        .await;
    assert_eq!(up.status, 202, "{}", up.text);
    assert_eq!(
        (
            up.body["plan"]["_id"].as_str(),
            up.body["pendingPlan"]["_id"].as_str()
        ),
        (Some("standard"), Some("premium"))
    );
    assert!(up.body["pendingPlanEffectiveDate"].is_null());
    let requests = stripe.requests().await;
    let change = requests
        .iter()
        .rev()
        .find(|r| r["method"] == "POST" && r["path"] == format!("/v1/subscriptions/{sid}"))
        .unwrap();
    assert_eq!(
        change["form"]["items"][0]["price"],
        premium_price.as_str(),
        "{change}"
    );
    assert_eq!(change["form"]["proration_behavior"], "always_invoice");

    // Cancel at the period end, resume, then cancel now: Stripe first each time.
    let cancel = app
        .send("POST", "/api/subscriptions/cancel", &zoe.access, None)
        .await;
    assert_eq!(
        (cancel.status, cancel.body["cancel_at_period_end"].as_bool()),
        (200, Some(true)),
        "{}",
        cancel.text
    );
    let resume = app
        .send("POST", "/api/subscriptions/resume", &zoe.access, None)
        .await;
    assert_eq!(
        (resume.status, resume.body["cancel_at_period_end"].as_bool()),
        (200, Some(false)),
        "{}",
        resume.text
    );
    stripe
        .fail(&format!("/v1/subscriptions/{sid}"), 1, 500)
        .await;
    let refused = app
        .send(
            "POST",
            "/api/subscriptions/cancel",
            &zoe.access,
            Some(json!({"immediate": true})),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (502, "provider_error"),
        "{}",
        refused.text
    );
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&zoe.access))
            .await
            .body["status"],
        "active"
    );
    let gone = app
        .send(
            "POST",
            "/api/subscriptions/cancel",
            &zoe.access,
            Some(json!({"immediate": true})),
        )
        .await;
    assert_eq!(
        (gone.status, gone.body["status"].as_str()),
        (200, Some("cancelled")),
        "{}",
        gone.text
    );
    assert_eq!(
        app.get("/api/subscriptions/current", Some(&zoe.access))
            .await
            .body["plan"]["_id"],
        "free"
    );
    let calls: Vec<String> = stripe
        .requests()
        .await
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(sid.as_str()))
                && r["method"] != "GET"
        })
        .map(|r| format!("{} {}", r["method"].as_str().unwrap(), r["status"]))
        .collect();
    assert_eq!(
        calls,
        [
            "POST 200",
            "POST 200",
            "POST 200",
            "DELETE 500",
            "DELETE 200"
        ],
        "{calls:?}"
    );
}

/// `stripe_reconcile`: what changed at Stripe without a webhook reaching us is applied as a webhook would apply it,
/// a second run changes nothing, a subscription Stripe does not know is left alone, and Stripe down fails the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_applies_what_changed_at_stripe_without_a_webhook() {
    let stripe = StripeServer::start();
    let Subscribed {
        app,
        zoe,
        sid,
        standard_price,
        ..
    } = subscribed(&stripe).await;
    let ours = |col: &str| {
        app.db_value(&format!(
            "SELECT {col} FROM subscriptions WHERE stripe_subscription_id = '{sid}'"
        ))
    };
    let history = || {
        app.db_value(&format!(
            "SELECT group_concat(event_type, ',') FROM (SELECT h.event_type FROM subscription_history h \
             JOIN subscriptions s ON s.id = h.subscription_id WHERE s.stripe_subscription_id = '{sid}' ORDER BY h.id)"
        ))
    };

    // The created event carried the test's own period; Stripe's own period differs by the time between them.
    let theirs = reqwest::Client::new()
        .get(format!("{}/v1/subscriptions/{sid}", stripe.base()))
        .basic_auth("sk_test_autotrack", Some(""))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let end = theirs["current_period_end"]
        .as_i64()
        .or_else(|| theirs["items"]["data"][0]["current_period_end"].as_i64())
        .expect("a period end at Stripe");
    let end = chrono::DateTime::from_timestamp(end, 0).unwrap();
    let first = app.run_job("stripe_reconcile").await;
    assert_eq!(first.status, "succeeded", "{first:?}");
    assert_eq!(
        ours("current_period_end").as_str(),
        Some(autotrack::db::ts(end).as_str()),
        "{first:?}"
    );
    let again = app.run_job("stripe_reconcile").await;
    assert_eq!(
        (again.items, again.summary.as_str()),
        (
            0,
            "1 checked: 1 in agreement, 0 fixed, 0 not applied, 0 unknown to Stripe, 0 failed"
        )
    );
    let before = history();

    // Cancelled at the period end from Stripe's dashboard; the webhook never came.
    stripe_post(
        &stripe,
        &format!("/v1/subscriptions/{sid}"),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    let fixed = app.run_job("stripe_reconcile").await;
    assert_eq!(fixed.items, 1, "{fixed:?}");
    let active = app
        .get("/api/subscriptions/active", Some(&zoe.access))
        .await;
    assert_eq!(
        (
            active.body["status"].as_str(),
            active.body["cancel_at_period_end"].as_bool()
        ),
        (Some("active"), Some(true)),
        "{}",
        active.text
    );
    assert_eq!(
        history().as_str().unwrap(),
        format!("{},cancel_scheduled", before.as_str().unwrap())
    );

    // Deleted at Stripe: ended here, the user back on the free plan, told once.
    let r = reqwest::Client::new()
        .delete(format!("{}/v1/subscriptions/{sid}", stripe.base()))
        .basic_auth("sk_test_autotrack", Some(""))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let ended = app.run_job("stripe_reconcile").await;
    assert_eq!(ended.items, 1, "{ended:?}");
    assert_eq!(ours("status"), "cancelled");
    assert_eq!(
        app.get("/api/subscriptions/current", Some(&zoe.access))
            .await
            .body["plan"]["_id"],
        "free"
    );
    assert_eq!(
        app.db_value(&format!(
            "SELECT count(*) FROM mail_outbox WHERE template = 'subscription_expired' AND user_id = {}",
            zoe.user_id
        )),
        1
    );
    let idle = app.run_job("stripe_reconcile").await;
    assert!(idle.summary.starts_with("0 checked"), "{idle:?}");

    // A subscription Stripe does not know (another account's, or a key of the other mode) is not ended here.
    let ana = app.user("ana@example.com").await;
    let now = app.state.clock.now().timestamp();
    let event = json!({"id": "evt_reconcile_ghost", "type": "customer.subscription.created", "created": now,
        "livemode": false, "data": {"object": {"id": "sub_ghost", "customer": "cus_ghost", "status": "active",
            "cancel_at_period_end": false, "metadata": {"user_id": ana.user_id.to_string()},
            "items": {"data": [{"id": "si_g", "price": {"id": standard_price}, "current_period_start": now,
                "current_period_end": now + 30 * 86400}]}}}});
    assert_eq!(deliver(&app, &event).await.body["status"], "success");
    let ghost = app.run_job("stripe_reconcile").await;
    assert_eq!(
        (ghost.status.as_str(), ghost.items),
        ("succeeded", 0),
        "{ghost:?}"
    );
    assert!(ghost.summary.contains("1 unknown to Stripe"), "{ghost:?}");
    assert_eq!(
        app.get("/api/subscriptions/current", Some(&ana.access))
            .await
            .body["plan"]["_id"],
        "standard"
    );

    // Stripe down: nothing could be checked, so the run fails (and is retried at the next one).
    stripe.fail("/v1/subscriptions/*", 1, 500).await;
    let down = app.run_job("stripe_reconcile").await;
    assert_eq!(down.status, "failed", "{down:?}");
}
