//! Plan administration (billing.md §2.2): admins create, replace, update and delete plans; everybody else reads
//! the active ones.

use serde_json::json;

use crate::helpers::*;

fn gold() -> serde_json::Value {
    json!({"code": "gold", "name": "Or", "monthly_price": "29.90", "yearly_price": 299, "currency": "eur",
        "highlights": ["Tout illimité"], "translations": {"en": {"name": "Gold", "highlights": ["Everything unlimited"]}},
        "limits": {"vehicles": -1, "documents": -1, "storage_mb": 20480, "maintenances_per_month": -1,
            "diagnostics_per_month": -1},
        "ai_assistant": true, "stripe_price_id": "price_gold_monthly", "sort_order": 4})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_create_update_and_delete_plans() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let admin = app.admin("boss@example.com").await;
    let user = app.user("amal@example.com").await;

    let refused = app
        .send("POST", "/api/plans/", &user.access, Some(gold()))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let anonymous = app.post("/api/plans/", gold()).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text);

    let made = app
        .send("POST", "/api/plans/", &admin.access, Some(gold()))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().unwrap();
    assert_eq!(
        made.header("location").unwrap(),
        format!("/api/plans/{id}/")
    );
    let p = &made.body;
    assert_eq!(
        (
            p["code"].as_str(),
            p["monthly_price"].as_str(),
            p["yearly_price"].as_str()
        ),
        (Some("gold"), Some("29.90"), Some("299.00"))
    );
    assert_eq!(
        (p["currency"].as_str(), p["color_accent"].as_str()),
        (Some("EUR"), Some("#64748B"))
    );
    assert_eq!(
        p["name"], "Gold",
        "English by default, from translations.en"
    );
    assert_eq!(p["limits"]["storage_mb"], 20480);
    assert_eq!(
        (p["is_active"].as_bool(), p["is_default"].as_bool()),
        (Some(true), Some(false))
    );

    let listed = app.get("/api/plans/", None).await;
    assert!(
        listed.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "gold")
    );

    // PATCH: some limits, the code is read-only, the rest untouched.
    let changed = app
        .send(
            "PATCH",
            &format!("/api/plans/{id}/"),
            &admin.access,
            Some(json!({"code": "platinum", "limits": {"vehicles": 50}, "is_popular": true})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["code"], "gold");
    assert_eq!(changed.body["limits"]["vehicles"], 50);
    assert_eq!(changed.body["limits"]["storage_mb"], 20480);
    assert_eq!(changed.body["is_popular"], true);

    // PUT needs the required members.
    let partial = app
        .send(
            "PUT",
            &format!("/api/plans/{id}/"),
            &admin.access,
            Some(json!({"name": "Or"})),
        )
        .await;
    assert_eq!(partial.status, 400, "{}", partial.text);
    for field in ["monthly_price", "limits"] {
        assert!(
            partial.body["errors"][field].is_array(),
            "{field}: {}",
            partial.text
        );
    }

    // Deactivated plans are hidden from users, shown to admins.
    let off = app
        .send(
            "PATCH",
            &format!("/api/plans/{id}/"),
            &admin.access,
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(
        app.get(&format!("/api/plans/{id}/"), Some(&user.access))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("/api/plans/{id}/"), Some(&admin.access))
            .await
            .status,
        200
    );

    let gone = app
        .send("DELETE", &format!("/api/plans/{id}/"), &admin.access, None)
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    assert_eq!(
        app.get(&format!("/api/plans/{id}/"), Some(&admin.access))
            .await
            .status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_writes_keep_the_rules() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let admin = app.admin("boss@example.com").await;
    app.user("amal@example.com").await;
    let made = app
        .send("POST", "/api/plans/", &admin.access, Some(gold()))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);

    // Every broken rule at once.
    let bad = app
        .send("POST", "/api/plans/", &admin.access, Some(json!({"code": "Gold Plan", "name": "", "monthly_price": "-1",
            "currency": "euro", "yearly_discount": 150, "color_accent": "blue", "highlights": vec!["a"; 11],
            "translations": {"de": {"name": "Gold"}}, "limits": {"vehicles": -2},
            "stripe_price_id": "prod_1"})))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    for field in [
        "code",
        "name",
        "monthly_price",
        "currency",
        "yearly_discount",
        "color_accent",
        "highlights",
        "translations",
        "limits",
        "stripe_price_id",
    ] {
        assert!(
            bad.body["errors"][field].is_array(),
            "{field}: {}",
            bad.text
        );
    }

    // Unique code and Stripe price.
    let again = app
        .send("POST", "/api/plans/", &admin.access, Some(gold()))
        .await;
    assert_eq!(again.status, 400, "{}", again.text);
    assert!(
        again.body["errors"]["code"].is_array()
            && again.body["errors"]["stripe_price_id"].is_array(),
        "{}",
        again.text
    );

    // The default plan: not deactivated, not deleted.
    let free = app.get("/api/plans/?ordering=sort_order", None).await.body["results"][0]["id"]
        .as_i64()
        .unwrap();
    let off = app
        .send(
            "PATCH",
            &format!("/api/plans/{free}/"),
            &admin.access,
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(off.status, 400, "{}", off.text);
    assert!(off.body["errors"]["is_active"].is_array());
    let del = app
        .send(
            "DELETE",
            &format!("/api/plans/{free}/"),
            &admin.access,
            None,
        )
        .await;
    assert_eq!((del.status, del.code()), (409, "conflict"), "{}", del.text);

    // A plan a subscription refers to: 409, and it is still there.
    app.db_value("UPDATE subscriptions SET plan_code = 'standard' RETURNING id");
    let standard = app.get("/api/plans/?ordering=sort_order", None).await.body["results"][1]["id"]
        .as_i64()
        .unwrap();
    let del = app
        .send(
            "DELETE",
            &format!("/api/plans/{standard}/"),
            &admin.access,
            None,
        )
        .await;
    assert_eq!((del.status, del.code()), (409, "conflict"), "{}", del.text);
    assert_eq!(
        app.get(&format!("/api/plans/{standard}/"), None)
            .await
            .status,
        200
    );
}
