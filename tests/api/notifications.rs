//! Notifications: the caller's own list and actions; settings; plans; the car catalog.

use serde_json::{Value, json};

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_list_actions_and_ownership() {
    let app = TestApp::spawn_with(OFF, false).await;
    let s = app.user("n@example.com").await;
    let other = app.user("o@example.com").await;
    let welcome = app.get("/api/notifications/", Some(&s.access)).await;
    assert_eq!(welcome.body["count"], 1);
    assert_eq!(welcome.body["results"][0]["title"], "Welcome to AutoTrack");
    assert_eq!(welcome.body["results"][0]["link"], "/dashboard");
    let r = app.send("POST", "/api/notifications/", &s.access, Some(json!({"title": "Pneus", "message": "Vérifier la pression", "notification_type": "warning", "metadata": {"k": 1}, "link": "/vehicles"}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        (
            r.body["user"].as_i64(),
            r.body["is_read"].as_bool(),
            r.body["read_at"].clone()
        ),
        (Some(s.user_id), Some(false), Value::Null)
    );
    let bad = app.send("POST", "/api/notifications/", &s.access, Some(json!({"title": "", "notification_type": "spam", "metadata": [1], "link": "ftp://x"}))).await;
    for f in ["title", "message", "notification_type", "metadata", "link"] {
        assert!(bad.body["errors"][f].is_array(), "{f}: {}", bad.text);
    }
    assert_eq!(
        app.get("/api/notifications/unread_count/", Some(&s.access))
            .await
            .body,
        json!({"unread_count": 2})
    );
    let read = app
        .send(
            "POST",
            &format!("/api/notifications/{id}/mark_as_read/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(read.body["is_read"], true);
    let read_at = read.body["read_at"].clone();
    assert!(read_at.is_string());
    let again = app
        .send(
            "POST",
            &format!("/api/notifications/{id}/mark_as_read"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(
        again.body["read_at"], read_at,
        "unchanged when already read"
    );
    assert_eq!(
        app.send(
            "POST",
            &format!("/api/notifications/{id}/mark_as_unread"),
            &s.access,
            None
        )
        .await
        .body["read_at"],
        Value::Null
    );
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/notifications/{id}"),
            &s.access,
            Some(json!({"is_read": true, "title": "changed"}))
        )
        .await
        .body["title"],
        "Pneus"
    );
    assert_eq!(
        app.send(
            "PUT",
            &format!("/api/notifications/{id}"),
            &s.access,
            Some(json!({}))
        )
        .await
        .body["errors"]["is_read"][0],
        "This field is required."
    );
    assert_eq!(
        app.get("/api/notifications/?is_read=true", Some(&s.access))
            .await
            .body["count"],
        1
    );
    assert_eq!(
        app.get("/api/notifications/?search=pression", Some(&s.access))
            .await
            .body["count"],
        1
    );
    assert_eq!(
        app.get("/api/notifications/by_type/?type=nope", Some(&s.access))
            .await
            .code(),
        "validation_error"
    );
    assert_eq!(
        app.get("/api/notifications/unread/", Some(&s.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let stats = app.get("/api/notifications/stats/", Some(&s.access)).await;
    assert_eq!(
        (
            stats.body["total_notifications"].as_i64(),
            stats.body["unread"].as_i64(),
            stats.body["read"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    // The other user sees none of it and gets 404 on the id.
    assert_eq!(
        app.get(&format!("/api/notifications/{id}"), Some(&other.access))
            .await
            .status,
        404
    );
    assert_eq!(
        app.send(
            "POST",
            &format!("/api/notifications/{id}/mark_as_read"),
            &other.access,
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/notifications/{id}"),
            &other.access,
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.get("/api/notifications/", Some(&other.access))
            .await
            .body["count"],
        1,
        "only its own welcome"
    );
    let all = app
        .send(
            "POST",
            "/api/notifications/mark_all_as_read/",
            &s.access,
            None,
        )
        .await;
    assert_eq!(all.body["message"], "1 notifications marked as read.");
    let del = app
        .send(
            "DELETE",
            "/api/notifications/delete_all_read/",
            &s.access,
            None,
        )
        .await;
    assert_eq!(
        (del.status, del.body["message"].as_str()),
        (200, Some("2 notifications deleted."))
    );
    assert_eq!(
        app.get("/api/notifications/", Some(&other.access))
            .await
            .body["count"],
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_get_update_reset_and_language() {
    let app = TestApp::spawn_with(&["--otp-policy", "optional"], true).await;
    let s = app.signup("set@example.com").await;
    let me = app.get("/api/settings/me/", Some(&s.access)).await;
    assert_eq!(
        (
            me.body["language"].as_str(),
            me.body["timezone"].as_str(),
            me.body["otp_enabled"].as_bool()
        ),
        (Some("en"), Some("UTC"), Some(false))
    );
    let id = me.body["id"].as_i64().unwrap();
    let r = app.send("PATCH", "/api/settings/update_me/", &s.access, Some(json!({"language": "fr", "timezone": "Europe/Paris", "currency": "TND", "theme": "dark", "custom_settings": {"a": 1}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["language"].as_str(),
            r.body["currency"].as_str(),
            r.body["custom_settings"]["a"].as_i64()
        ),
        (Some("fr"), Some("TND"), Some(1))
    );
    let bad = app.send("PUT", &format!("/api/settings/{id}/"), &s.access, Some(json!({"timezone": "Mars/Olympus", "currency": "XYZ", "units": "parsecs", "email_notifications": "maybe"}))).await;
    assert_eq!(
        bad.body["errors"]["timezone"][0], "Fuseau horaire inconnu.",
        "errors follow the user's language"
    );
    assert!(
        bad.body["errors"]["currency"].is_array()
            && bad.body["errors"]["units"].is_array()
            && bad.body["errors"]["email_notifications"].is_array()
    );
    assert_eq!(
        app.get("/api/settings/", Some(&s.access)).await.body["count"],
        1
    );
    // Second factor: turning it on needs a verified email (it is), off needs the password.
    assert_eq!(
        app.send(
            "PATCH",
            "/api/settings/update_me/",
            &s.access,
            Some(json!({"otp_enabled": true}))
        )
        .await
        .body["otp_enabled"],
        true
    );
    let off = app
        .send(
            "PATCH",
            "/api/settings/update_me/",
            &s.access,
            Some(json!({"otp_enabled": false})),
        )
        .await;
    assert!(off.body["errors"]["current_password"].is_array());
    let off = app
        .send(
            "PATCH",
            "/api/settings/update_me/",
            &s.access,
            Some(json!({"otp_enabled": false, "current_password": PASSWORD})),
        )
        .await;
    assert_eq!(off.body["otp_enabled"], false);
    // With `optional` and the flag off, login gives tokens directly.
    let login = app
        .post(
            "/api/users/login",
            json!({"email": "set@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.body["otp_required"], false);
    let reset = app
        .send("POST", "/api/settings/reset/", &s.access, None)
        .await;
    assert_eq!(
        (
            reset.body["language"].as_str(),
            reset.body["currency"].as_str(),
            reset.body["custom_settings"].clone()
        ),
        (Some("en"), Some("EUR"), json!({}))
    );
    let other = app.signup("other@example.com").await;
    assert_eq!(
        app.get(&format!("/api/settings/{id}"), Some(&other.access))
            .await
            .status,
        404
    );
    assert_eq!(
        app.send("POST", "/api/settings/", &s.access, Some(json!({})))
            .await
            .status,
        405
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/settings/{id}"), &s.access, None)
            .await
            .status,
        405
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_catalog_and_default_plan_setting() {
    let app = TestApp::spawn_with(OFF, false).await;
    let plans = app.get("/api/plans/", None).await;
    assert_eq!(plans.body["count"], 3);
    let free = &plans.body["results"][0];
    assert_eq!(
        (
            free["code"].as_str(),
            free["name"].as_str(),
            free["monthly_price"].as_str(),
            free["is_default"].as_bool()
        ),
        (Some("free"), Some("Free"), Some("0.00"), Some(true))
    );
    assert_eq!(free["limits"]["vehicles"], 3);
    let fr = TestApp::read(
        app.client
            .get(format!("{}/api/subscriptions/plans", app.base))
            .header("accept-language", "fr"),
    )
    .await;
    let standard = &fr.body[1];
    assert_eq!(
        (
            standard["_id"].as_str(),
            standard["name"].as_str(),
            standard["monthlyPrice"].as_f64()
        ),
        (Some("standard"), Some("Standard"), Some(9.99))
    );
    assert_eq!(
        standard["featuresByCategory"]["Stockage"][0]["displayValue"],
        "1 Go"
    );
    assert_eq!(
        fr.body[2]["featuresByCategory"]["Gestion"][0]["displayValue"],
        "Illimité"
    );
    let id = free["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/plans/{id}/"), None).await.body["code"],
        "free"
    );
    let s = app.user("p@example.com").await;
    let check = app
        .get(
            "/api/subscriptions/check-limits/?resource=storage&bytes=1048576",
            Some(&s.access),
        )
        .await;
    assert_eq!(
        check.body,
        json!({"allowed": true, "limit": 209715200, "limit_mb": 200, "current": 0, "requested_bytes": 1048576})
    );
    assert_eq!(
        app.get(
            "/api/subscriptions/check-limits/?resource=vehicles&amount=x",
            Some(&s.access)
        )
        .await
        .code(),
        "validation_error"
    );
    assert_eq!(
        app.get(
            "/api/subscriptions/check-limits/?resource=rockets",
            Some(&s.access)
        )
        .await
        .body["allowed"],
        true
    );
    assert_eq!(app.db_value("SELECT plan_code FROM subscriptions"), "free");
    // A self-hoster can make everyone unlimited.
    let unlimited =
        TestApp::spawn_with(&["--otp-policy", "off", "--default-plan", "premium"], false).await;
    let u = unlimited.user("u@example.com").await;
    assert_eq!(
        unlimited
            .get("/api/subscriptions/usage/", Some(&u.access))
            .await
            .body["usage"]["vehicles"]["limitLabel"],
        "Unlimited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_is_seeded_public_and_admin_written() {
    let app = TestApp::spawn_with(OFF, false).await;
    let brands = app.get("/api/brands/?page_size=100", None).await;
    assert!(brands.body["count"].as_i64().unwrap() >= 40);
    assert!(
        app.db_value("SELECT count(*) FROM car_models")
            .as_i64()
            .unwrap()
            >= 300
    );
    let renault = app.get("/api/brands/?search=renault", None).await;
    let rid = renault.body["results"][0]["id"].as_i64().unwrap();
    let models = app.get(&format!("/api/brands/{rid}/models/"), None).await;
    assert!(
        models
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == "Clio" && m["year_start"].is_i64())
    );
    assert_eq!(
        app.get("/api/models/?search=clio", None).await.body["results"][0]["brand_name"],
        "Renault"
    );
    let user = app.user("u@example.com").await;
    let admin = app.admin("admin@example.com").await;
    assert_eq!(
        app.send(
            "POST",
            "/api/brands/",
            &user.access,
            Some(json!({"name": "Nouvelle"}))
        )
        .await
        .status,
        403
    );
    let dup = app
        .send(
            "POST",
            "/api/brands/",
            &admin.access,
            Some(json!({"name": "RENAULT"})),
        )
        .await;
    assert_eq!(
        dup.body["errors"]["name"][0],
        "A brand with this name already exists."
    );
    let b = app
        .send(
            "POST",
            "/api/brands/",
            &admin.access,
            Some(json!({"name": "Alpine Nouvelle", "logo_url": "https://example.com/logo.png"})),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.text);
    let bid = b.body["id"].as_i64().unwrap();
    let m = app
        .send(
            "POST",
            "/api/models/",
            &admin.access,
            Some(json!({"brand": bid, "name": "A110 R", "year_start": 2023})),
        )
        .await;
    assert_eq!(
        (m.status, m.body["brand_name"].as_str()),
        (201, Some("Alpine Nouvelle"))
    );
    let again = app
        .send(
            "POST",
            "/api/models/",
            &admin.access,
            Some(json!({"brand": bid, "name": "a110 r"})),
        )
        .await;
    assert_eq!(
        again.body["errors"]["non_field_errors"][0],
        "This model already exists for this brand."
    );
    let bad = app
        .send(
            "POST",
            "/api/models/",
            &admin.access,
            Some(json!({"brand": 999999, "name": "X", "year_start": 2020, "year_end": 2010})),
        )
        .await;
    assert_eq!(bad.body["errors"]["brand"][0], "Brand not found.");
    assert!(bad.body["errors"]["year_end"].is_array());
    assert_eq!(
        app.get(&format!("/api/brands/{bid}"), None).await.body["models_count"],
        1
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/brands/{bid}"), &admin.access, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/models/{}", m.body["id"]), None)
            .await
            .status,
        404,
        "models go with their brand"
    );
}
