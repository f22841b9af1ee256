//! Garages and reviews: admin writes, public reads, distance search, exact ratings under concurrency.

use serde_json::{Value, json};

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off"];

async fn garage(
    app: &TestApp,
    admin: &Session,
    name: &str,
    city: &str,
    lat: f64,
    lng: f64,
    specialties: Value,
) -> i64 {
    let r = app
        .send(
            "POST",
            "/api/garages/",
            &admin.access,
            Some(
                json!({"name": name, "email": "g@example.com", "address": "1 rue X", "city": city,
            "latitude": lat, "longitude": lng, "specialties": specialties, "country": "France"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garage_writes_are_for_admins_and_reads_are_public() {
    let app = TestApp::spawn_with(OFF, false).await;
    let admin = app.admin("admin@example.com").await;
    let user = app.user("u@example.com").await;
    let body = json!({"name": "Garage Moderne", "email": "contact@moderne.fr", "address": "10 rue de Rivoli", "latitude": 48.8566, "longitude": 2.3522});
    let r = app
        .send("POST", "/api/garages", &user.access, Some(body.clone()))
        .await;
    assert_eq!((r.status, r.code()), (403, "permission_denied"));
    let r = app.post("/api/garages", body.clone()).await;
    assert_eq!(r.status, 401);
    let r = app
        .send("POST", "/api/garages", &admin.access, Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        r.body["location"],
        json!({"type": "Point", "coordinates": [2.3522, 48.8566]})
    );
    assert_eq!(
        (
            r.body["average_rating"].as_str(),
            r.body["total_reviews"].as_i64()
        ),
        (Some("0.00"), Some(0))
    );
    assert_eq!(r.body["specialties"], json!([]));
    let public = app.get(&format!("/api/garages/{id}/"), None).await;
    assert_eq!(
        (public.status, public.body["all_reviews"].clone()),
        (200, json!([]))
    );
    assert_eq!(
        app.get(&format!("/api/recommended/{id}"), None).await.body["name"],
        "Garage Moderne"
    );
    assert_eq!(
        app.get("/api/garages/", Some("bad-token")).await.status,
        401,
        "a bad token is refused even on public reads"
    );
    let r = app
        .send(
            "PATCH",
            &format!("/api/garages/{id}"),
            &admin.access,
            Some(json!({"latitude": 10})),
        )
        .await;
    assert_eq!(
        r.body["errors"]["non_field_errors"][0],
        "Latitude and longitude must be given together."
    );
    let r = app
        .send(
            "PATCH",
            &format!("/api/garages/{id}"),
            &admin.access,
            Some(json!({"latitude": null, "longitude": null, "specialties": ["Freins"]})),
        )
        .await;
    assert_eq!(
        (r.body["location"].clone(), r.body["specialties"].clone()),
        (Value::Null, json!(["Freins"]))
    );
    let r = app.send("POST", "/api/garages", &admin.access, Some(json!({"name": "", "email": "nope", "address": "x", "latitude": 91, "longitude": 0, "specialties": "Freins"}))).await;
    let e = &r.body["errors"];
    assert!(
        e["name"].is_array()
            && e["email"].is_array()
            && e["latitude"].is_array()
            && e["specialties"].is_array(),
        "{}",
        r.text
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/garages/{id}"), &user.access, None)
            .await
            .status,
        403
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/garages/{id}"), &admin.access, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/garages/{id}"), None).await.status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distance_search_filters_and_ordering() {
    let app = TestApp::spawn_with(OFF, false).await;
    let admin = app.admin("admin@example.com").await;
    garage(
        &app,
        &admin,
        "Marais",
        "Paris",
        48.8589,
        2.3555,
        json!(["Vidange", "Freins"]),
    )
    .await;
    garage(
        &app,
        &admin,
        "Montparnasse",
        "Paris",
        48.8410,
        2.3266,
        json!(["Pneumatiques"]),
    )
    .await;
    garage(
        &app,
        &admin,
        "Vincennes",
        "Vincennes",
        48.8478,
        2.4358,
        json!(["Carrosserie"]),
    )
    .await;
    garage(
        &app,
        &admin,
        "Bellecour",
        "Lyon",
        45.7561,
        4.8322,
        json!(["freins"]),
    )
    .await;
    let near = app
        .get("/api/garages/?near=48.8566,2.3522&radius_km=5", None)
        .await;
    assert_eq!(near.status, 200, "{}", near.text);
    let names: Vec<&str> = near.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Marais", "Montparnasse"],
        "nearest first, within 5 km"
    );
    let d = near.body["results"][0]["distance_km"].as_f64().unwrap();
    assert!((0.2..0.5).contains(&d), "{d}");
    let wide = app
        .get(
            "/api/garages/search_nearby/?lat=48.8566&lng=2.3522&radius=15",
            None,
        )
        .await;
    assert_eq!(wide.body.as_array().unwrap().len(), 3);
    assert!(
        wide.body
            .as_array()
            .unwrap()
            .windows(2)
            .all(|w| w[0]["distance_km"].as_f64() <= w[1]["distance_km"].as_f64())
    );
    for bad in [
        "/api/garages/search_nearby/?lat=100&lng=2",
        "/api/garages/search_nearby/?lng=2",
        "/api/garages/?near=abc",
        "/api/garages/?near=48,2&radius_km=900",
    ] {
        let r = app.get(bad, None).await;
        assert_eq!((r.status, r.code()), (400, "validation_error"), "{bad}");
    }
    assert_eq!(app.get("/api/garages/?near=48,2", None).await.status, 200);
    let paris = app
        .get("/api/garages/?city=PARIS&ordering=name", None)
        .await;
    assert_eq!(
        paris.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Marais", "Montparnasse"]
    );
    assert_eq!(
        app.get("/api/garages/?search=pneumat", None).await.body["count"],
        1
    );
    let by = app
        .get(
            "/api/garages/by_specialty/?specialty=FREINS",
            Some(&admin.access),
        )
        .await;
    assert_eq!(by.body.as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/garages/by_specialty/", None).await.code(),
        "not_authenticated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_one_per_user_and_exact_ratings() {
    let app = TestApp::spawn_with(OFF, false).await;
    let admin = app.admin("admin@example.com").await;
    let g = garage(&app, &admin, "Marais", "Paris", 48.8589, 2.3555, json!([])).await;
    let a = app.user("a@example.com").await;
    let b = app.user("b@example.com").await;
    let c = app.user("c@example.com").await;
    let r = app
        .send(
            "POST",
            "/api/reviews/",
            &a.access,
            Some(json!({"garage": g, "rating": 5, "comment": "Parfait"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let ra = r.body["id"].as_i64().unwrap();
    assert_eq!(
        (
            r.body["reviewer_name"].as_str(),
            r.body["reviewer_email"].as_str()
        ),
        (Some("Amal Ben Ali"), Some("a@example.com"))
    );
    let dup = app
        .send(
            "POST",
            "/api/reviews/",
            &a.access,
            Some(json!({"garage": g, "rating": 3})),
        )
        .await;
    assert_eq!(
        (dup.status, dup.code(), dup.body["review_id"].as_i64()),
        (400, "already_reviewed", Some(ra))
    );
    let bad = app
        .send(
            "POST",
            "/api/reviews/",
            &b.access,
            Some(json!({"garage": 99999, "rating": 6})),
        )
        .await;
    assert_eq!(bad.body["errors"]["garage"][0], "Garage not found.");
    assert_eq!(
        bad.body["errors"]["rating"][0],
        "Rating must be between 1 and 5."
    );
    let up = app
        .send(
            "POST",
            &format!("/api/garages/{g}/add_review/"),
            &b.access,
            Some(json!({"rating": 4})),
        )
        .await;
    assert_eq!(up.status, 201);
    let again = app
        .send(
            "POST",
            &format!("/api/garages/{g}/add_review/"),
            &b.access,
            Some(json!({"rating": 3, "comment": "Moyen"})),
        )
        .await;
    assert_eq!(
        (again.status, again.body["id"].clone()),
        (200, up.body["id"].clone())
    );
    app.send(
        "POST",
        &format!("/api/recommended/{g}/add_review"),
        &c.access,
        Some(json!({"rating": 3})),
    )
    .await;
    let detail = app.get(&format!("/api/garages/{g}"), None).await;
    assert_eq!(
        (
            detail.body["average_rating"].as_str(),
            detail.body["total_reviews"].as_i64()
        ),
        (Some("3.67"), Some(3))
    );
    assert_eq!(detail.body["recent_reviews"].as_array().unwrap().len(), 3);
    assert!(
        detail.body["all_reviews"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["reviewer_email"].is_null()),
        "emails are private"
    );
    // Only the author (or an admin) edits or deletes a review.
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/reviews/{ra}"),
            &b.access,
            Some(json!({"rating": 1}))
        )
        .await
        .code(),
        "permission_denied"
    );
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/reviews/{ra}/"),
            &a.access,
            Some(json!({"rating": 2}))
        )
        .await
        .body["rating"],
        2
    );
    assert_eq!(
        app.get(&format!("/api/garages/{g}"), None).await.body["average_rating"],
        "2.67"
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/reviews/{ra}"), &admin.access, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/garages/{g}"), None).await.body["average_rating"],
        "3.00"
    );
    let top = app.get("/api/garages/top_rated/", None).await;
    assert_eq!(top.body, json!([]), "fewer than 3 reviews");
    assert_eq!(
        app.get("/api/reviews/?garage=abc", None).await.code(),
        "validation_error"
    );
    assert_eq!(
        app.get(&format!("/api/reviews/?garage={g}&ordering=rating"), None)
            .await
            .body["results"][0]["rating"],
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reviews_keep_the_rating_exact() {
    let app = TestApp::spawn_with(&["--otp-policy", "off", "--rate-register", "0"], false).await;
    let admin = app.admin("admin@example.com").await;
    let g = garage(&app, &admin, "Busy", "Paris", 48.85, 2.35, json!([])).await;
    let mut users = Vec::new();
    for i in 0..12 {
        users.push(app.user(&format!("r{i}@example.com")).await);
    }
    let tasks: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let req = app
                .client
                .post(format!("{}/api/garages/{g}/add_review/", app.base))
                .bearer_auth(&u.access)
                .json(&json!({"rating": (i % 5) + 1}));
            tokio::spawn(TestApp::read(req))
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().status, 201);
    }
    let total: i64 = (0..12).map(|i| (i % 5) + 1).sum();
    let d = app.get(&format!("/api/garages/{g}"), None).await;
    assert_eq!(d.body["total_reviews"], 12);
    let expected = format!("{:.2}", (total as f64 / 12.0 * 100.0).round() / 100.0);
    assert_eq!(d.body["average_rating"].as_str().unwrap(), expected);
    assert_eq!(
        app.db_value(&format!("SELECT rating_sum FROM garages WHERE id = {g}")),
        total
    );
    // Deleting a user cascades to the review and the rating follows.
    app.state
        .db
        .write(move |tx| {
            tx.execute("DELETE FROM users WHERE email = 'r0@example.com'", [])?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/api/garages/{g}"), None).await.body["total_reviews"],
        11
    );
}
