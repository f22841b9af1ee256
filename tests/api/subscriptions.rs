//! Subscriptions without Stripe (billing.md §4, §5): the current subscription, admin assignment, plan changes,
//! cancellation and resumption, ownership, stats. Paid changes answer 503 `billing_not_configured`.

use serde_json::json;

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off"];

/// Assigns `plan` to the user with a period end in 30 days; returns the new subscription's id.
async fn assign(app: &TestApp, admin: &Session, user: &Session, plan: &str) -> i64 {
    let end = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let r = app
        .send(
            "POST",
            "/api/subscriptions",
            &admin.access,
            Some(json!({"user": user.user_id, "plan_code": plan, "current_period_end": end})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_user_has_a_current_subscription_and_admins_assign_plans() {
    let app = TestApp::spawn_with(OFF, false).await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;

    let current = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(current.status, 200, "{}", current.text);
    let c = &current.body;
    assert_eq!(
        (c["plan"]["_id"].as_str(), c["status"].as_str()),
        (Some("free"), Some("active"))
    );
    assert_eq!(
        (c["interval"].as_str(), c["amount"].as_f64()),
        (Some("monthly"), Some(0.0))
    );
    assert_eq!(c["user"], amal.user_id.to_string());
    assert!(c["endDate"].is_null() && c["pendingPlan"].is_null());
    assert!(c.get("requiresPayment").is_none());
    let free_id = c["_id"].as_str().unwrap().parse::<i64>().unwrap();

    let refused = app
        .send(
            "POST",
            "/api/subscriptions",
            &amal.access,
            Some(json!({"user": amal.user_id, "plan_code": "premium"})),
        )
        .await;
    assert_eq!(
        refused.status, 403,
        "a user never grants himself a plan: {}",
        refused.text
    );
    let bad = app
        .send(
            "POST",
            "/api/subscriptions",
            &admin.access,
            Some(json!({"user": 999, "plan_code": "gold", "status": "past_due"})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    for field in ["user", "plan_code", "status"] {
        assert!(
            bad.body["errors"][field].is_array(),
            "{field}: {}",
            bad.text
        );
    }

    let id = assign(&app, &admin, &amal, "standard").await;
    let active = app
        .get("/api/subscriptions/active", Some(&amal.access))
        .await;
    let a = &active.body;
    assert_eq!(
        (a["id"].as_i64(), a["plan_code"].as_str()),
        (Some(id), Some("standard"))
    );
    assert_eq!(
        (a["plan_name"].as_str(), a["is_stripe_managed"].as_bool()),
        (Some("Standard"), Some(false))
    );
    assert_eq!(a["user_info"]["email"], "amal@example.com");
    assert!(
        (29..=30).contains(&a["days_until_renewal"].as_i64().unwrap()),
        "{}",
        active.text
    );
    // The free subscription was superseded; the limits are the new plan's.
    let old = app
        .get(&format!("/api/subscriptions/{free_id}"), Some(&amal.access))
        .await;
    assert_eq!(old.body["status"], "cancelled", "{}", old.text);
    let usage = app
        .get("/api/subscriptions/usage", Some(&amal.access))
        .await;
    assert_eq!(
        usage.body["usage"]["vehicles"]["limit"], 10,
        "{}",
        usage.text
    );
    let history = app
        .get("/api/subscriptions/history", Some(&amal.access))
        .await;
    assert_eq!(history.body[0]["event_type"], "created");
    assert_eq!(history.body[0]["metadata"]["plan_code"], "standard");

    // Ownership: another user sees neither the subscription nor it in a list; admins see all.
    let zoe = app.user("zoe@example.com").await;
    assert_eq!(
        app.get(&format!("/api/subscriptions/{id}"), Some(&zoe.access))
            .await
            .status,
        404
    );
    let zoe_list = app.get("/api/subscriptions", Some(&zoe.access)).await;
    assert!(
        zoe_list.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["user"] == zoe.user_id),
        "{}",
        zoe_list.text
    );
    let all = app
        .get(
            &format!("/api/subscriptions?user={}&status=cancelled", amal.user_id),
            Some(&admin.access),
        )
        .await;
    assert_eq!(all.body["count"], 1, "{}", all.text);
    let stats = app
        .get("/api/subscriptions/stats", Some(&admin.access))
        .await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    // Amal's two, Zoe's and the admin's (every account gets one at creation).
    assert_eq!(stats.body["total_subscriptions"], 4, "{}", stats.text);
    assert_eq!(
        (
            stats.body["active"].as_i64(),
            stats.body["by_status"][1]["status"].as_str()
        ),
        (Some(3), Some("cancelled"))
    );
    assert!(
        stats.body["by_plan"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["plan_code"] == "standard" && p["count"] == 1)
    );
    assert_eq!(
        app.get("/api/subscriptions/stats", Some(&zoe.access))
            .await
            .status,
        403
    );

    // Admin edits of a locally managed subscription; owners only write the cancellation flag.
    let owner = app
        .send(
            "PATCH",
            &format!("/api/subscriptions/{id}"),
            &amal.access,
            Some(json!({"plan_code": "premium", "status": "expired"})),
        )
        .await;
    assert_eq!(
        (owner.status, owner.body["plan_code"].as_str()),
        (200, Some("standard")),
        "{}",
        owner.text
    );
    let edit = app
        .send(
            "PATCH",
            &format!("/api/subscriptions/{id}"),
            &admin.access,
            Some(json!({"plan_code": "premium"})),
        )
        .await;
    assert_eq!(edit.body["plan_code"], "premium", "{}", edit.text);
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/subscriptions/{id}"),
            &amal.access,
            None
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/subscriptions/{id}"),
            &admin.access,
            None
        )
        .await
        .status,
        204
    );
    let after = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(
        after.body["plan"]["_id"], "free",
        "a new default subscription: {}",
        after.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_changes_follow_the_rules() {
    let app = TestApp::spawn_with(OFF, false).await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;
    let change = |plan: &'static str| json!({"plan_code": plan});

    let paid = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &amal.access,
            Some(change("standard")),
        )
        .await;
    assert_eq!(
        (paid.status, paid.code()),
        (503, "billing_not_configured"),
        "{}",
        paid.text
    );
    let unknown = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &amal.access,
            Some(json!({"newPlanId": "gold"})),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (400, "invalid_plan"),
        "{}",
        unknown.text
    );
    let same = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &amal.access,
            Some(json!({"plan": "free"})),
        )
        .await;
    assert_eq!(
        (same.status, same.code()),
        (400, "already_on_plan"),
        "{}",
        same.text
    );
    let nothing = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &amal.access,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (nothing.status, nothing.code()),
        (400, "validation_error"),
        "{}",
        nothing.text
    );

    // On Standard with 4 vehicles, Free (3) is refused with the violation; nothing changes.
    let id = assign(&app, &admin, &amal, "standard").await;
    for i in 0..4 {
        let r = app
            .send(
                "POST",
                "/api/vehicles",
                &amal.access,
                Some(json!({"make": "Renault", "model": format!("Clio {i}"), "year": 2020})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let down = app
        .send(
            "POST",
            "/api/subscriptions/change-plan",
            &amal.access,
            Some(change("free")),
        )
        .await;
    assert_eq!(
        (down.status, down.code()),
        (400, "plan_change_not_allowed"),
        "{}",
        down.text
    );
    assert_eq!(down.body["canChange"], false);
    let v = &down.body["violations"][0];
    assert_eq!(
        (
            v["resource"].as_str(),
            v["current"].as_f64(),
            v["newLimit"].as_i64()
        ),
        (Some("vehicles"), Some(4.0), Some(3))
    );
    assert_eq!(v["message"], "Vehicles exceeds the new plan's limit.");
    assert_eq!(
        app.get("/api/subscriptions/active", Some(&amal.access))
            .await
            .body["plan_code"],
        "standard"
    );

    // With 3 vehicles the free plan applies now, in place.
    let list = app.get("/api/vehicles", Some(&amal.access)).await;
    let first = list.body["results"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/vehicles/{first}"),
            &amal.access,
            None
        )
        .await
        .status,
        204
    );
    let done = app
        .send(
            "POST",
            &format!("/api/subscriptions/{id}/change_plan"),
            &amal.access,
            Some(change("free")),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(
        (
            done.body["plan"]["_id"].as_str(),
            done.body["requiresPayment"].as_bool()
        ),
        (Some("free"), Some(false))
    );
    assert!(done.body["warnings"].is_null());
    let history = app
        .get("/api/subscriptions/history", Some(&amal.access))
        .await;
    assert_eq!(history.body[0]["event_type"], "plan_changed");
    assert_eq!(
        history.body[0]["metadata"],
        json!({"from": "standard", "to": "free"})
    );

    // Another user's subscription id: 404.
    let zoe = app.user("zoe@example.com").await;
    let other = app
        .send(
            "POST",
            &format!("/api/subscriptions/{id}/change_plan"),
            &zoe.access,
            Some(change("premium")),
        )
        .await;
    assert_eq!(other.status, 404, "{}", other.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_is_scheduled_resumed_or_immediate() {
    let app = TestApp::spawn_with(OFF, false).await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;

    let default = app
        .send("POST", "/api/subscriptions/cancel", &amal.access, None)
        .await;
    assert_eq!(
        (default.status, default.code()),
        (400, "cannot_cancel_default_plan"),
        "{}",
        default.text
    );
    let nothing = app
        .send("POST", "/api/subscriptions/resume", &amal.access, None)
        .await;
    assert_eq!(
        (nothing.status, nothing.code()),
        (400, "not_scheduled_for_cancellation"),
        "{}",
        nothing.text
    );

    let id = assign(&app, &admin, &amal, "premium").await;
    let scheduled = app
        .send(
            "POST",
            "/api/subscriptions/cancel",
            &amal.access,
            Some(json!({})),
        )
        .await;
    assert_eq!(scheduled.status, 200, "{}", scheduled.text);
    assert_eq!(
        (
            scheduled.body["id"].as_i64(),
            scheduled.body["cancel_at_period_end"].as_bool()
        ),
        (Some(id), Some(true))
    );
    assert_eq!(scheduled.body["pending_plan_code"], "free");
    let twice = app
        .send(
            "POST",
            &format!("/api/subscriptions/{id}/cancel"),
            &amal.access,
            None,
        )
        .await;
    assert_eq!(
        (twice.status, twice.code()),
        (400, "cancellation_already_scheduled"),
        "{}",
        twice.text
    );
    let current = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(
        current.body["pendingPlan"]["_id"], "free",
        "{}",
        current.text
    );
    assert_eq!(
        current.body["pendingPlanEffectiveDate"],
        current.body["endDate"]
    );
    assert!(current.body["endDate"].is_string());

    let resumed = app
        .send(
            "POST",
            &format!("/api/subscriptions/{id}/reactivate"),
            &amal.access,
            None,
        )
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.text);
    assert_eq!(
        (
            resumed.body["cancel_at_period_end"].as_bool(),
            resumed.body["pending_plan_code"].is_null()
        ),
        (Some(false), true)
    );

    // Owners write the flag with PATCH, under the same rules.
    let flag = app
        .send(
            "PATCH",
            &format!("/api/subscriptions/{id}"),
            &amal.access,
            Some(json!({"cancel_at_period_end": true})),
        )
        .await;
    assert_eq!(flag.body["cancel_at_period_end"], true, "{}", flag.text);
    let unflag = app
        .send(
            "PUT",
            &format!("/api/subscriptions/{id}"),
            &amal.access,
            Some(json!({"cancel_at_period_end": false})),
        )
        .await;
    assert_eq!(
        unflag.body["cancel_at_period_end"], false,
        "{}",
        unflag.text
    );

    let now = app
        .send(
            "POST",
            "/api/subscriptions/cancel",
            &amal.access,
            Some(json!({"immediate": true})),
        )
        .await;
    assert_eq!(now.status, 200, "{}", now.text);
    assert_eq!(
        (
            now.body["status"].as_str(),
            now.body["cancelled_at"].is_string()
        ),
        (Some("cancelled"), true)
    );
    let after = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(after.body["plan"]["_id"], "free", "{}", after.text);
    let history = app
        .get(&format!("/api/subscriptions/{id}"), Some(&amal.access))
        .await;
    assert_eq!(history.body["status"], "cancelled");
    let ended = app
        .send(
            "POST",
            &format!("/api/subscriptions/{id}/cancel"),
            &amal.access,
            None,
        )
        .await;
    assert_eq!(
        (ended.status, ended.code()),
        (400, "subscription_not_active"),
        "{}",
        ended.text
    );
    let events: Vec<String> = app
        .db_value(&format!("SELECT group_concat(event_type, ',') FROM (SELECT event_type FROM subscription_history WHERE subscription_id = {id} ORDER BY id)"))
        .as_str().unwrap().split(',').map(str::to_owned).collect();
    assert_eq!(
        events,
        [
            "created",
            "cancel_scheduled",
            "resumed",
            "cancel_scheduled",
            "resumed",
            "cancelled"
        ]
    );
}

/// The jobs: a reminder 7 days and 1 day before the period end (the second saying the plan ends, as the
/// cancellation was scheduled in between), then the end: cancelled, back on Free, told once in-app and by mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn period_ends_are_reminded_then_applied_once() {
    // The server's scheduler would run the jobs itself when the clock jumps: here only the test runs them.
    let app = TestApp::spawn_with(
        &[
            "--job-renewal-reminders",
            "",
            "--job-expire-subscriptions",
            "",
        ],
        true,
    )
    .await;
    let admin = app.admin("boss@example.com").await;
    let amal = app.user("amal@example.com").await;
    let id = assign(&app, &admin, &amal, "standard").await;
    // Five days before the end (the assignment set it 30 days after now).
    app.advance(chrono::Duration::days(25));

    let seen = app.mails_to("amal@example.com");
    let first = app.run_job("renewal_reminders").await;
    assert_eq!(
        (first.status.as_str(), first.items),
        ("succeeded", 1),
        "{first:?}"
    );
    let again = app.run_job("renewal_reminders").await;
    assert_eq!(again.items, 0, "once per period end and offset: {again:?}");
    let mail = app.next_mail("amal@example.com", seen).await;
    assert_eq!(
        mail.subject,
        "Reminder: your AutoTrack subscription renews soon"
    );
    assert!(
        mail.text.contains("Standard") && mail.text.contains("€9.99"),
        "{}",
        mail.text
    );

    // Moving the clock expired the tokens: sign in again after each move.
    let amal = app.login("amal@example.com", PASSWORD).await;
    let scheduled = app
        .send("POST", "/api/subscriptions/cancel", &amal.access, None)
        .await;
    assert_eq!(scheduled.status, 200, "{}", scheduled.text);
    app.advance(chrono::Duration::days(4) + chrono::Duration::hours(12));
    let seen = app.mails_to("amal@example.com");
    let second = app.run_job("renewal_reminders").await;
    assert_eq!(second.items, 1, "{second:?}");
    let mail = app.next_mail("amal@example.com", seen).await;
    assert_eq!(
        mail.subject,
        "Reminder: your AutoTrack subscription ends soon"
    );
    assert!(mail.text.contains("Free"), "{}", mail.text);

    // Not yet past the end: nothing expires.
    assert_eq!(app.run_job("expire_subscriptions").await.items, 0);
    app.advance(chrono::Duration::days(1));
    let amal = app.login("amal@example.com", PASSWORD).await;
    let seen = app.mails_to("amal@example.com");
    let ended = app.run_job("expire_subscriptions").await;
    assert_eq!(
        (ended.status.as_str(), ended.items),
        ("succeeded", 1),
        "{ended:?}"
    );
    assert_eq!(app.run_job("expire_subscriptions").await.items, 0);
    let row = app
        .get(&format!("/api/subscriptions/{id}"), Some(&amal.access))
        .await;
    assert_eq!(
        (
            row.body["status"].as_str(),
            row.body["cancel_at_period_end"].as_bool()
        ),
        (Some("cancelled"), Some(false)),
        "{}",
        row.text
    );
    let current = app
        .get("/api/subscriptions/current", Some(&amal.access))
        .await;
    assert_eq!(current.body["plan"]["_id"], "free", "{}", current.text);
    let mail = app.next_mail("amal@example.com", seen).await;
    assert_eq!(mail.subject, "Your AutoTrack subscription has ended");
    let notes = app.get("/api/notifications/", Some(&amal.access)).await;
    let titles: Vec<&str> = notes.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["title"].as_str())
        .collect();
    assert_eq!(
        titles
            .iter()
            .filter(|t| **t == "Subscription ended")
            .count(),
        1,
        "{titles:?}"
    );
    assert_eq!(
        titles
            .iter()
            .filter(|t| **t == "Subscription renewal")
            .count(),
        2,
        "{titles:?}"
    );
}
