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
