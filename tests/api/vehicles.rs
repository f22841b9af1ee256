//! Vehicles: CRUD, validation, filters, search, ordering, stats, sub-lists, ownership and the plan limit.

use serde_json::json;

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vehicle_crud_with_normalised_fields() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("amal@example.com").await;
    let r = app
        .send("POST", "/api/vehicles/", &s.access, Some(json!({"make": "Renault", "model": "Clio", "year": "2019",
            "license_plate": "  tu   123 ab ", "vin": "vf1rfb00x57123456", "fuel_type": "diesel", "transmission": "manual", "color": ""})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        r.header("location").as_deref(),
        Some(format!("/api/vehicles/{id}/").as_str())
    );
    assert_eq!(r.body["license_plate"], "TU 123 AB");
    assert_eq!(r.body["vin"], "VF1RFB00X57123456");
    assert_eq!(r.body["color"], serde_json::Value::Null);
    assert_eq!(
        (
            r.body["owner"].as_i64(),
            r.body["owner_email"].as_str(),
            r.body["owner_name"].as_str()
        ),
        (
            Some(s.user_id),
            Some("amal@example.com"),
            Some("Amal Ben Ali")
        )
    );
    assert_eq!(
        (
            r.body["maintenances_count"].as_i64(),
            r.body["documents_count"].as_i64()
        ),
        (Some(0), Some(0))
    );

    let r = app
        .send(
            "PATCH",
            &format!("/api/vehicles/{id}"),
            &s.access,
            Some(json!({"color": "Rouge", "owner": 999})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["color"].as_str(), r.body["owner"].as_i64()),
        (200, Some("Rouge"), Some(s.user_id))
    );
    let r = app
        .send(
            "PUT",
            &format!("/api/vehicles/{id}/"),
            &s.access,
            Some(json!({"make": "Renault", "model": "Clio V"})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"]["year"][0], "This field is required.");
    let r = app
        .send(
            "PUT",
            &format!("/api/vehicles/{id}/"),
            &s.access,
            Some(json!({"make": "Renault", "model": "Clio V", "year": 2020})),
        )
        .await;
    assert_eq!((r.status, r.body["model"].as_str()), (200, Some("Clio V")));
    assert_eq!(
        app.get(&format!("/api/vehicles/{id}"), Some(&s.access))
            .await
            .body["year"],
        2020
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/vehicles/{id}/"), &s.access, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/vehicles/{id}"), Some(&s.access))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/api/vehicles/", None).await.code(),
        "not_authenticated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vehicle_validation_errors() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("val@example.com").await;
    let r = app
        .send("POST", "/api/vehicles", &s.access, Some(json!({"make": "", "model": "x".repeat(101), "year": 1899,
            "vin": "SHORT", "fuel_type": "steam", "transmission": "cvt", "license_plate": "A".repeat(21)})))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (400, "validation_error"),
        "{}",
        r.text
    );
    let e = &r.body["errors"];
    assert_eq!(e["make"][0], "This field may not be blank.");
    assert_eq!(
        e["model"][0],
        "Ensure this field has no more than 100 characters."
    );
    assert!(
        e["year"][0]
            .as_str()
            .unwrap()
            .starts_with("Year must be between 1900 and ")
    );
    assert_eq!(
        e["vin"][0],
        "VIN must be exactly 17 characters (letters and digits, no I, O or Q)."
    );
    assert_eq!(e["fuel_type"][0], "\"steam\" is not a valid choice.");
    assert_eq!(e["transmission"][0], "\"cvt\" is not a valid choice.");
    assert!(e["license_plate"].is_array());
    let r = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "A", "model": "B", "year": 20.5})),
        )
        .await;
    assert_eq!(r.body["errors"]["year"][0], "A valid integer is required.");
    let r = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "A", "model": "B", "year": 3000})),
        )
        .await;
    assert!(r.body["errors"]["year"].is_array());
    let body = json!({"make": "A", "model": "B", "year": 2020, "vin": "VF1RFB00X57123456"});
    assert_eq!(
        app.send("POST", "/api/vehicles", &s.access, Some(body.clone()))
            .await
            .status,
        201
    );
    let dup = app
        .send("POST", "/api/vehicles", &s.access, Some(body.clone()))
        .await;
    assert_eq!(
        dup.body["errors"]["vin"][0],
        "You already have a vehicle with this VIN."
    );
    // Another owner may register the same VIN.
    let t = app.user("val2@example.com").await;
    assert_eq!(
        app.send("POST", "/api/vehicles", &t.access, Some(body))
            .await
            .status,
        201
    );
    assert_eq!(
        app.db_value("SELECT count(*) FROM vehicles"),
        2,
        "refused creates stored nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vehicle_lists_filter_search_order_and_paginate() {
    let app =
        TestApp::spawn_with(&["--otp-policy", "off", "--default-plan", "premium"], false).await;
    let s = app.user("fleet@example.com").await;
    let cars = [
        ("Renault", "Clio", 2019, "diesel", "manual"),
        ("Renault", "Megane", 2021, "gasoline", "automatic"),
        ("Peugeot", "208", 2022, "electric", "automatic"),
        ("Tesla", "Model 3", 2023, "electric", "automatic"),
        ("Dacia", "Sandero", 2018, "gasoline", "manual"),
    ];
    for (make, model, year, fuel, tr) in cars {
        let r = app.send("POST", "/api/vehicles/", &s.access, Some(json!({"make": make, "model": model, "year": year, "fuel_type": fuel, "transmission": tr}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let list = |q: &str| {
        let path = format!("/api/vehicles/?{q}");
        let (app, token) = (&app, s.access.clone());
        async move { app.get(&path, Some(&token)).await }
    };
    let names = |r: &Resp| {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["model"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let r = list("").await;
    assert_eq!(r.body["count"], 5);
    assert_eq!(
        names(&r),
        ["Sandero", "Model 3", "208", "Megane", "Clio"],
        "default -created_at"
    );
    assert_eq!(names(&list("make=renault").await), ["Megane", "Clio"]);
    assert_eq!(
        names(&list("fuel_type=electric&ordering=year").await),
        ["208", "Model 3"]
    );
    assert_eq!(names(&list("search=ren%20cli").await), ["Clio"]);
    assert_eq!(
        names(&list("ordering=-year,make&unknown=1").await)[0],
        "Model 3"
    );
    assert_eq!(
        names(&list("ordering=password").await)[0],
        "Sandero",
        "unknown ordering fields are ignored"
    );
    let p = list("page_size=2&page=2&ordering=year").await;
    assert_eq!(
        names(&p),
        ["Megane", "208"],
        "2018, 2019 | 2021, 2022 | 2023"
    );
    assert!(p.body["next"].as_str().unwrap().contains("page=3"));
    assert_eq!(list("page=9").await.code(), "invalid_page");
    assert_eq!(
        list("fuel_type=steam").await.body["errors"]["fuel_type"][0],
        "\"steam\" is not a valid choice."
    );
    assert_eq!(list("year=abc").await.code(), "validation_error");
    let stats = app.get("/api/vehicles/stats/", Some(&s.access)).await;
    assert_eq!(
        stats.body,
        json!({"total": 5, "by_fuel_type": {"diesel": 1, "electric": 2, "gasoline": 2}, "by_transmission": {"automatic": 3, "manual": 2}})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_sees_nothing_and_gets_404() {
    let app = TestApp::spawn_with(OFF, false).await;
    let a = app.user("a@example.com").await;
    let b = app.user("b@example.com").await;
    let id = app
        .send(
            "POST",
            "/api/vehicles",
            &a.access,
            Some(json!({"make": "A", "model": "B", "year": 2020})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get("/api/vehicles/", Some(&b.access)).await.body["count"],
        0
    );
    for (method, path) in [
        ("GET", format!("/api/vehicles/{id}/")),
        ("PATCH", format!("/api/vehicles/{id}/")),
        ("PUT", format!("/api/vehicles/{id}/")),
        ("DELETE", format!("/api/vehicles/{id}/")),
        ("GET", format!("/api/vehicles/{id}/maintenances/")),
        ("GET", format!("/api/vehicles/{id}/documents/")),
        ("GET", format!("/api/vehicles/{id}/diagnostics/")),
    ] {
        let r = app
            .send(
                method,
                &path,
                &b.access,
                Some(json!({"make": "X", "model": "Y", "year": 2020})),
            )
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{method} {path}");
    }
    assert_eq!(
        app.get("/api/vehicles/stats", Some(&b.access)).await.body["total"],
        0
    );
    assert_eq!(
        app.get(&format!("/api/vehicles/{id}"), Some(&a.access))
            .await
            .body["model"],
        "B",
        "still there, unchanged"
    );
    assert_eq!(
        app.get(&format!("/api/vehicles/{id}/documents"), Some(&a.access))
            .await
            .body,
        json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vehicle_plan_limit_is_enforced_and_reported() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("limit@example.com").await;
    for i in 0..3 {
        let r = app
            .send(
                "POST",
                "/api/vehicles",
                &s.access,
                Some(json!({"make": "A", "model": format!("M{i}"), "year": 2020})),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let check = app
        .get(
            "/api/subscriptions/check-limits?resource=vehicles",
            Some(&s.access),
        )
        .await;
    assert_eq!(
        check.body,
        json!({"allowed": false, "limit": 3, "current": 3, "requested": 1})
    );
    let r = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "A", "model": "M4", "year": 2020})),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "plan_limit_reached"));
    assert_eq!(
        (
            r.body["resource"].as_str(),
            r.body["current"].as_i64(),
            r.body["limit"].as_i64()
        ),
        (Some("vehicles"), Some(3), Some(3))
    );
    assert_eq!(r.body["detail"], "Limit reached for vehicles.");
    assert_eq!(r.body["title"], "Plan limit reached");
    let usage = app.get("/api/subscriptions/usage", Some(&s.access)).await;
    assert_eq!(usage.body["plan"], json!({"name": "Free", "type": "free"}));
    assert_eq!(usage.body["usage"]["vehicles"]["percentage"], 100.0);
    assert_eq!(
        usage.body["warnings"][0],
        "You are approaching the limit for vehicles."
    );
    // Concurrent creates cannot pass the limit either.
    let t = app.user("race@example.com").await;
    let tries: Vec<_> = (0..6)
        .map(|i| {
            let req = app
                .client
                .post(format!("{}/api/vehicles/", app.base))
                .bearer_auth(&t.access)
                .json(&json!({"make": "A", "model": format!("R{i}"), "year": 2020}));
            tokio::spawn(TestApp::read(req))
        })
        .collect();
    let mut created = 0;
    for h in tries {
        if h.await.unwrap().status == 201 {
            created += 1;
        }
    }
    assert_eq!(created, 3);
}
