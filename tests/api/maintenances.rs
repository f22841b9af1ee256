//! Maintenances: CRUD through the vehicle, exact costs, actions, aggregates, ownership, reminders.

use serde_json::{Value, json};

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off", "--default-plan", "premium"];

async fn vehicle(app: &TestApp, s: &Session, model: &str) -> i64 {
    let r = app.send("POST", "/api/vehicles", &s.access, Some(json!({"make": "Renault", "model": model, "year": 2019, "license_plate": "AB-123-CD"}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

fn day(offset: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_crud_with_exact_costs() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("m@example.com").await;
    let v = vehicle(&app, &s, "Clio").await;
    let r = app
        .send(
            "POST",
            "/api/maintenances/",
            &s.access,
            Some(
                json!({"vehicle": v, "service_date": "2026-04-02", "service_type": "Vidange moteur",
            "mileage": 84500, "cost": "89.9", "performed_by": s.user_id, "reminder_sent": true}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["cost"], "89.90");
    assert_eq!(r.body["service_date"], "2026-04-02T00:00:00.000000Z");
    assert_eq!(r.body["status"], "SCHEDULED");
    assert_eq!(r.body["reminder_sent"], false, "not writable on create");
    assert_eq!(
        r.body["vehicle_info"],
        json!({"id": v, "make": "Renault", "model": "Clio", "year": 2019, "license_plate": "AB-123-CD"})
    );
    assert_eq!(
        (
            r.body["created_by_name"].as_str(),
            r.body["performed_by_name"].as_str()
        ),
        (Some("Amal Ben Ali"), Some("Amal Ben Ali"))
    );
    assert_eq!(r.body["vehicle_detail"]["id"], v);
    // Numbers are exact: 0.1 + 0.2 style sums never drift.
    for cost in [json!(0.1), json!("0.2"), json!(12)] {
        app.send("POST", "/api/maintenances", &s.access, Some(json!({"vehicle": v, "service_date": "2026-03-01T10:00:00+01:00", "service_type": "Lavage", "cost": cost, "status": "COMPLETED"}))).await;
    }
    let stats = app.get("/api/maintenances/stats/", Some(&s.access)).await;
    assert_eq!(stats.body["overview"]["total_cost"], 102.2);
    assert_eq!(stats.body["overview"]["total_count"], 4);
    assert_eq!(stats.body["overview"]["average_cost"], 25.55);
    assert_eq!(stats.body["overview"]["completed_count"], 3);
    assert_eq!(
        stats.body["top_services"][0],
        json!({"service_type": "Lavage", "count": 3, "total_cost": 12.3})
    );

    let r = app
        .send(
            "PATCH",
            &format!("/api/maintenances/{id}/"),
            &s.access,
            Some(json!({"reminder_sent": true})),
        )
        .await;
    assert_eq!(r.body["reminder_sent"], true);
    let r = app
        .send(
            "PATCH",
            &format!("/api/maintenances/{id}"),
            &s.access,
            Some(json!({"service_date": "2026-05-01", "vehicle": 999, "cost": null})),
        )
        .await;
    assert_eq!(
        (
            r.body["reminder_sent"].as_bool(),
            r.body["vehicle"].as_i64(),
            r.body["cost"].clone()
        ),
        (Some(false), Some(v), Value::Null),
        "a new date makes reminders due again"
    );
    let r = app
        .send(
            "PUT",
            &format!("/api/maintenances/{id}"),
            &s.access,
            Some(json!({"service_type": "Vidange"})),
        )
        .await;
    assert_eq!(
        r.body["errors"]["service_date"][0],
        "This field is required."
    );
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/maintenances/{id}"),
            &s.access,
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/maintenances/{id}"), Some(&s.access))
            .await
            .status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_validation_and_foreign_vehicles() {
    let app = TestApp::spawn_with(OFF, false).await;
    let a = app.user("a@example.com").await;
    let b = app.user("b@example.com").await;
    let va = vehicle(&app, &a, "Clio").await;
    let r = app
        .send("POST", "/api/maintenances", &b.access, Some(json!({"vehicle": va, "service_date": "not a date", "service_type": "", "mileage": -5,
            "cost": "-1", "status": "done", "invoice_url": "javascript:alert(1)", "performed_by": a.user_id})))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let e = &r.body["errors"];
    assert_eq!(e["vehicle"][0], "Vehicle not found.");
    assert_eq!(
        e["service_date"][0],
        "Datetime has wrong format. Use ISO 8601."
    );
    assert_eq!(e["service_type"][0], "This field may not be blank.");
    assert_eq!(
        e["mileage"][0],
        "Ensure this value is greater than or equal to 0."
    );
    assert_eq!(
        e["cost"][0],
        "Ensure this value is greater than or equal to 0."
    );
    assert_eq!(e["status"][0], "\"done\" is not a valid choice.");
    assert_eq!(e["invoice_url"][0], "Enter a valid URL.");
    assert_eq!(e["performed_by"][0], "User not found.");
    let r = app.send("POST", "/api/maintenances", &a.access, Some(json!({"vehicle": va, "service_date": day(1), "service_type": "X", "cost": "1.234"}))).await;
    assert_eq!(
        r.body["errors"]["cost"][0],
        "Ensure that there are no more than 2 decimal places."
    );
    let r = app.send("POST", "/api/maintenances", &a.access, Some(json!({"vehicle": va, "service_date": day(1), "service_type": "X", "cost": "100000000"}))).await;
    assert!(r.body["errors"]["cost"].is_array());
    let r = app
        .send(
            "POST",
            "/api/maintenances",
            &a.access,
            Some(json!({"vehicle": "abc", "service_date": day(1), "service_type": "X"})),
        )
        .await;
    assert_eq!(
        r.body["errors"]["vehicle"][0],
        "A valid integer is required."
    );

    let id = app
        .send(
            "POST",
            "/api/maintenances",
            &a.access,
            Some(json!({"vehicle": va, "service_date": day(3), "service_type": "X"})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    for (method, path) in [
        ("GET", format!("/api/maintenances/{id}")),
        ("PATCH", format!("/api/maintenances/{id}")),
        ("DELETE", format!("/api/maintenances/{id}")),
    ] {
        assert_eq!(
            app.send(
                method,
                &path,
                &b.access,
                Some(json!({"service_type": "hack"}))
            )
            .await
            .status,
            404,
            "{method}"
        );
    }
    for path in [
        "/api/maintenances/",
        "/api/maintenances/upcoming/",
        "/api/maintenances/by_vehicle/",
    ] {
        let r = app.get(path, Some(&b.access)).await;
        let empty = r
            .body
            .get("results")
            .map(|x| x.as_array().unwrap().is_empty())
            .unwrap_or_else(|| r.body.as_array().unwrap().is_empty());
        assert!(empty, "{path}: {}", r.text);
    }
    assert_eq!(
        app.get(
            &format!("/api/maintenances/by_vehicle/?vehicle_id={va}"),
            Some(&b.access)
        )
        .await
        .body,
        json!([])
    );
    assert_eq!(
        app.get("/api/maintenances/stats", Some(&b.access))
            .await
            .body["overview"]["total_count"],
        0
    );
    assert_eq!(
        app.get(&format!("/api/maintenances/{id}"), Some(&a.access))
            .await
            .body["service_type"],
        "X"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upcoming_recent_by_vehicle_filters_and_stats_bounds() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("list@example.com").await;
    let clio = vehicle(&app, &s, "Clio").await;
    let zoe = vehicle(&app, &s, "Zoe").await;
    for (v, offset, kind, status, cost) in [
        (clio, -40, "Pneus", "COMPLETED", "300"),
        (clio, -5, "Vidange", "COMPLETED", "90.50"),
        (zoe, 2, "Freins", "SCHEDULED", "120"),
        (zoe, 10, "Vidange", "SCHEDULED", "95"),
        (clio, -2, "Lavage", "CANCELLED", "10"),
    ] {
        let r = app.send("POST", "/api/maintenances", &s.access, Some(json!({"vehicle": v, "service_date": day(offset), "service_type": kind, "status": status, "cost": cost}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let kinds = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["service_type"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(
            &app.get("/api/maintenances/upcoming/", Some(&s.access))
                .await
                .body
        ),
        ["Freins", "Vidange"]
    );
    assert_eq!(
        kinds(
            &app.get("/api/maintenances/recent/", Some(&s.access))
                .await
                .body
        ),
        ["Vidange"]
    );
    assert_eq!(
        kinds(
            &app.get(
                &format!("/api/vehicles/{zoe}/maintenances/"),
                Some(&s.access)
            )
            .await
            .body
        ),
        ["Vidange", "Freins"]
    );
    let list = app
        .get(
            "/api/maintenances/?service_type=VIDANGE&ordering=cost",
            Some(&s.access),
        )
        .await;
    assert_eq!(
        list.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["cost"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["90.50", "95.00"]
    );
    assert_eq!(
        app.get("/api/maintenances/?search=zoe", Some(&s.access))
            .await
            .body["count"],
        2
    );
    assert_eq!(
        app.get(
            &format!("/api/maintenances/?vehicle={clio}&status=COMPLETED"),
            Some(&s.access)
        )
        .await
        .body["count"],
        2
    );
    assert_eq!(
        app.get("/api/maintenances/?status=done", Some(&s.access))
            .await
            .code(),
        "validation_error"
    );
    let groups = app
        .get("/api/maintenances/by_vehicle/", Some(&s.access))
        .await
        .body;
    assert_eq!(groups[0]["vehicle"]["id"], zoe, "newest vehicle first");
    assert_eq!(
        (
            groups[0]["count"].as_i64(),
            groups[0]["total_cost"].as_f64()
        ),
        (Some(2), Some(215.0))
    );
    let stats = app
        .get(
            &format!(
                "/api/maintenances/stats/?start_date={}&end_date={}",
                day(-10),
                day(0)
            ),
            Some(&s.access),
        )
        .await;
    assert_eq!(stats.body["overview"]["total_count"], 2, "{}", stats.text);
    let bad = app
        .get(
            &format!(
                "/api/maintenances/stats/?start_date={}&end_date={}",
                day(1),
                day(0)
            ),
            Some(&s.access),
        )
        .await;
    assert_eq!(bad.status, 400);
    for bad in ["yesterday", "%2B12345-01-01", "-1-01-01"] {
        let path = format!("/api/maintenances/stats/?start_date={bad}");
        assert_eq!(app.get(&path, Some(&s.access)).await.status, 400, "{bad}");
    }
    // Deleting the vehicle deletes its records.
    assert_eq!(
        app.send("DELETE", &format!("/api/vehicles/{zoe}"), &s.access, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get("/api/maintenances/", Some(&s.access)).await.body["count"],
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_maintenance_limit() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let s = app.user("quota@example.com").await;
    let v = vehicle(&app, &s, "Clio").await;
    for i in 0..10 {
        let r = app
            .send(
                "POST",
                "/api/maintenances",
                &s.access,
                Some(json!({"vehicle": v, "service_date": day(i), "service_type": "X"})),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let r = app
        .send(
            "POST",
            "/api/maintenances",
            &s.access,
            Some(json!({"vehicle": v, "service_date": day(1), "service_type": "X"})),
        )
        .await;
    assert_eq!(
        (
            r.code(),
            r.body["resource"].as_str(),
            r.body["limit"].as_i64()
        ),
        ("plan_limit_reached", Some("maintenances"), Some(10))
    );
    // Updates are never limited; next month the count starts again.
    let first = app
        .get("/api/maintenances/?page_size=1", Some(&s.access))
        .await
        .body["results"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/maintenances/{first}"),
            &s.access,
            Some(json!({"mileage": 1}))
        )
        .await
        .status,
        200
    );
    app.advance(chrono::Duration::days(32));
    let login = app
        .post(
            "/api/users/login",
            json!({"email": "quota@example.com", "password": PASSWORD}),
        )
        .await;
    let token = login.body["tokens"]["access"].as_str().unwrap().to_owned();
    let r = app
        .send(
            "POST",
            "/api/maintenances",
            &token,
            Some(json!({"vehicle": v, "service_date": day(40), "service_type": "X"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_sent_once_even_across_runs_and_restarts() {
    let mut args = vec!["--otp-policy", "off", "--default-plan", "premium"];
    args.extend_from_slice(NO_SCHEDULES);
    let app = TestApp::spawn_with(&args, true).await;
    let s = app.user("remind@example.com").await;
    let quiet = app.user("quiet@example.com").await;
    // Reminder mails go to verified addresses only: the code mailed at registration verifies them.
    app.run_job("deliver_mail").await;
    for email in ["remind@example.com", "quiet@example.com"] {
        let code = app.wait_otp(email, 0).await;
        app.verify(email, &code).await;
    }
    let v = vehicle(&app, &s, "Clio").await;
    let qv = vehicle(&app, &quiet, "Zoe").await;
    app.send(
        "PATCH",
        "/api/settings/update_me/",
        &quiet.access,
        Some(json!({"maintenance_reminders": false})),
    )
    .await;
    let now = chrono::Utc::now();
    let at = |h: i64| (now + chrono::Duration::hours(h)).to_rfc3339();
    for (veh, token, when, kind) in [
        (v, &s.access, at(5 * 24), "Vidange"),
        (v, &s.access, at(12), "Freins"),
        (v, &s.access, at(20 * 24), "Pneus"),
        (qv, &quiet.access, at(12), "Silence"),
    ] {
        let r = app
            .send(
                "POST",
                "/api/maintenances",
                token,
                Some(json!({"vehicle": veh, "service_date": when, "service_type": kind})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let first = app.run_job("maintenance_reminders").await;
    assert_eq!(
        (first.status.as_str(), first.items),
        ("succeeded", 2),
        "{first:?}"
    );
    assert_eq!(
        app.run_job("maintenance_reminders").await.items,
        0,
        "a second run sends nothing"
    );
    assert!(
        app.run_job("deliver_mail").await.items >= 2,
        "the reminders (and the sign-up mails) go out"
    );
    let mails = app.smtp().messages_to("remind@example.com");
    let reminders: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Reminder: upcoming maintenance"))
        .collect();
    assert_eq!(reminders.len(), 2);
    assert!(
        reminders.iter().all(
            |m| m.subject == "Reminder: upcoming maintenance for your Renault Clio (AB-123-CD)"
        )
    );
    assert!(
        reminders.iter().any(|m| m.text.contains("Freins")
            && (m.text.contains("tomorrow") || m.text.contains("today"))),
        "{:?}",
        reminders.iter().map(|m| &m.text).collect::<Vec<_>>()
    );
    let notes = app
        .get(
            "/api/notifications/by_type/?type=maintenance_reminder",
            Some(&s.access),
        )
        .await;
    assert_eq!(notes.body.as_array().unwrap().len(), 2);
    assert_eq!(
        app.get(
            "/api/notifications/by_type/?type=maintenance_reminder",
            Some(&quiet.access)
        )
        .await
        .body,
        json!([])
    );
    assert!(
        app.smtp()
            .messages_to("quiet@example.com")
            .iter()
            .all(|m| !m.subject.starts_with("Reminder")),
        "reminders off"
    );

    // After a restart (a new app on the same database) nothing is sent again; the next offset comes due later.
    let db = app.state.db.path().to_path_buf();
    let restarted = autotrack::app::AppState::build(
        app.state.config.as_ref().clone(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(restarted.db.path(), db);
    let again = autotrack::scheduler::run_once(&restarted, Some("maintenance_reminders"))
        .await
        .unwrap();
    assert_eq!(again[0].items, 0);
    app.advance(chrono::Duration::days(4) + chrono::Duration::hours(2));
    let later = app.run_job("maintenance_reminders").await;
    assert_eq!(later.items, 1, "the 1-day reminder of Vidange: {later:?}");
    assert_eq!(app.run_job("maintenance_reminders").await.items, 0);
}

/// List counts come from per-owner counters (V5 triggers): they must follow creates, status changes, deletes and a
/// vehicle's cascade, and never mix owners.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_counts_follow_every_change() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("counts@example.com").await;
    let other = app.user("other@example.com").await;
    let (v1, v2) = (
        vehicle(&app, &s, "Clio").await,
        vehicle(&app, &s, "Zoe").await,
    );
    let theirs = vehicle(&app, &other, "Twingo").await;
    let mut ids = vec![];
    for (v, status) in [
        (v1, "SCHEDULED"),
        (v1, "COMPLETED"),
        (v2, "COMPLETED"),
        (v2, "CANCELLED"),
        (v2, "SCHEDULED"),
    ] {
        let r = app.send("POST", "/api/maintenances/", &s.access, Some(json!({"vehicle": v, "service_date": "2026-04-02", "service_type": "Vidange", "status": status}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let r = app
        .send(
            "POST",
            "/api/maintenances/",
            &other.access,
            Some(
                json!({"vehicle": theirs, "service_date": "2026-04-02", "service_type": "Vidange"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201);
    let counts = |token: String| {
        let app = &app;
        async move {
            let mut out = vec![];
            for q in [
                "",
                "?status=SCHEDULED",
                "?status=COMPLETED",
                "?status=CANCELLED",
                "?status=IN_PROGRESS",
            ] {
                let r = app
                    .get(&format!("/api/maintenances/{q}"), Some(&token))
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
                // A search (counted by rows, not by the counters) that matches every record must agree.
                let sep = if q.is_empty() { "?" } else { "&" };
                let path = format!("/api/maintenances/{q}{sep}search=vidange");
                let by_rows = app.get(&path, Some(&token)).await;
                assert_eq!(r.body["count"], by_rows.body["count"], "{q}");
                out.push(r.body["count"].as_i64().unwrap());
            }
            out
        }
    };
    assert_eq!(counts(s.access.clone()).await, vec![5, 2, 2, 1, 0]);
    assert_eq!(counts(other.access.clone()).await, vec![1, 1, 0, 0, 0]);

    let r = app
        .send(
            "PATCH",
            &format!("/api/maintenances/{}/", ids[0]),
            &s.access,
            Some(json!({"status": "IN_PROGRESS"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(counts(s.access.clone()).await, vec![5, 1, 2, 1, 1]);
    let r = app
        .send(
            "DELETE",
            &format!("/api/maintenances/{}/", ids[1]),
            &s.access,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(counts(s.access.clone()).await, vec![4, 1, 1, 1, 1]);
    // Deleting a vehicle takes its records with it, counters included.
    let r = app
        .send("DELETE", &format!("/api/vehicles/{v2}/"), &s.access, None)
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(counts(s.access.clone()).await, vec![1, 0, 0, 0, 1]);
    assert_eq!(counts(other.access.clone()).await, vec![1, 1, 0, 0, 0]);
}
