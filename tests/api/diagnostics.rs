//! Diagnostics and replies (assistant.md §1): CRUD scoped to the owner, the offline analysis on create and on
//! request, codes in odd forms, replies and who may change them, aggregates, the monthly plan limit.

use serde_json::json;

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off", "--default-plan", "premium"];

async fn vehicle(app: &TestApp, s: &Session, make: &str, model: &str) -> i64 {
    let r = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": make, "model": model, "year": 2017, "fuel_type": "gasoline"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diagnostic_is_analysed_offline_and_kept_to_its_owner() {
    let app = TestApp::spawn_with(OFF, false).await;
    let ana = app.user("ana@example.com").await;
    let bob = app.user("bob@example.com").await;
    let v = vehicle(&app, &ana, "Peugeot", "208").await;
    let bob_v = vehicle(&app, &bob, "Renault", "Clio").await;

    let r = app
        .send(
            "POST",
            "/api/diagnostics/",
            &ana.access,
            Some(json!({"vehicle": v, "title": "Moteur qui tremble",
                "description": "Le voyant moteur clignote et le moteur tremble au ralenti.", "trouble_codes": ["p0-301"]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    let a = &r.body["analysis_data"];
    assert_eq!(r.body["trouble_codes"], json!(["P0301"]));
    assert_eq!(a["source"], "knowledge_base");
    assert_eq!(a["severity"], "high", "{}", r.text);
    assert_eq!(a["safe_to_drive"], false);
    assert_eq!(
        a["trouble_codes"][0]["description"],
        "Cylinder 1 misfire detected"
    );
    assert_eq!(a["probable_causes"][0]["cause"], "Worn spark plug");
    assert_eq!(a["probable_causes"][0]["likelihood"], 0.6);
    assert_eq!(a["probable_causes"][0]["from"], "P0301");
    assert!(
        a["matched_symptoms"]
            .as_array()
            .unwrap()
            .contains(&json!("engine_warning_light"))
    );
    assert_eq!(
        r.body["confidence_score"],
        format!("{:.2}", a["confidence"].as_f64().unwrap())
    );
    assert!(a["confidence"].as_f64().unwrap() >= 0.85);
    assert_eq!(r.body["replies_count"], 1);
    assert_eq!(r.body["latest_reply"]["sender_type"], "ai");
    assert!(r.body["ai_analysis"].as_str().unwrap().contains("P0301"));
    assert_eq!(r.body["vehicle_info"]["id"], v);

    // Another user sees and changes nothing of it, and cannot use another's vehicle.
    for (method, body) in [
        ("GET", None),
        ("PATCH", Some(json!({"status": "completed"}))),
        ("DELETE", None),
    ] {
        let r = app
            .send(
                method,
                &format!("/api/diagnostics/{id}/"),
                &bob.access,
                body,
            )
            .await;
        assert_eq!(r.status, 404, "{method} {}", r.text);
    }
    let r = app
        .send(
            "POST",
            &format!("/api/diagnostics/{id}/add_reply/"),
            &bob.access,
            Some(json!({"message": "hi"})),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .send(
            "POST",
            "/api/diagnostics/",
            &ana.access,
            Some(json!({"vehicle": bob_v, "title": "x", "description": "y"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["errors"]["vehicle"][0].as_str()),
        (400, Some("Vehicle not found.")),
        "{}",
        r.text
    );
    assert_eq!(
        app.get("/api/diagnostics/", Some(&bob.access)).await.body["count"],
        0
    );

    // Bad codes are named; odd forms are accepted.
    let r = app
        .send("POST", "/api/diagnostics/", &ana.access,
            Some(json!({"vehicle": v, "title": "x", "description": "y", "trouble_codes": ["X123", "u 0100"]})))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(
        r.body["errors"]["trouble_codes"][0],
        "Invalid trouble code: X123."
    );

    // Replies: the owner's own can change; the assistant's cannot.
    let mine = app
        .send(
            "POST",
            &format!("/api/diagnostics/{id}/add_reply/"),
            &ana.access,
            Some(json!({"message": "Bougies changées."})),
        )
        .await;
    assert_eq!(
        (mine.status, mine.body["sender"].as_i64()),
        (201, Some(ana.user_id)),
        "{}",
        mine.text
    );
    let rid = mine.body["id"].as_i64().unwrap();
    let ai = app
        .get(
            &format!("/api/replies/?diagnostic={id}&sender_type=ai"),
            Some(&ana.access),
        )
        .await;
    assert_eq!(ai.body["count"], 1, "{}", ai.text);
    let ai_id = ai.body["results"][0]["id"].as_i64().unwrap();
    let r = app
        .send(
            "PATCH",
            &format!("/api/replies/{ai_id}/"),
            &ana.access,
            Some(json!({"message": "edited"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "permission_denied"));
    let r = app
        .send(
            "PATCH",
            &format!("/api/replies/{rid}/"),
            &ana.access,
            Some(json!({"message": "Bougies et bobine changées."})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["message"].as_str()),
        (200, Some("Bougies et bobine changées."))
    );
    assert_eq!(
        app.get(&format!("/api/replies/{rid}/"), Some(&bob.access))
            .await
            .status,
        404
    );
    let r = app
        .send(
            "POST",
            "/api/replies/",
            &bob.access,
            Some(json!({"diagnostic": id, "message": "x"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["errors"]["diagnostic"][0].as_str()),
        (400, Some("Diagnostic not found.")),
        "{}",
        r.text
    );

    // Analysis again (French caller this time), then aggregates.
    let r = app
        .send(
            "PATCH",
            "/api/settings/update_me/",
            &ana.access,
            Some(json!({"language": "fr"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = app
        .send(
            "POST",
            &format!("/api/diagnostics/{id}/request_ai_analysis/"),
            &ana.access,
            None,
        )
        .await
        .body;
    assert_eq!(body["message"], "Analyse terminée.", "{body}");
    assert_eq!(
        body["diagnostic"]["analysis_data"]["trouble_codes"][0]["description"],
        "Ratés d'allumage cylindre 1"
    );
    assert_eq!(
        body["diagnostic"]["all_replies"].as_array().unwrap().len(),
        3
    );
    let stats = app.get("/api/diagnostics/stats/", Some(&ana.access)).await;
    assert_eq!(stats.body["total_diagnostics"], 1, "{}", stats.text);
    assert_eq!(
        stats.body["by_status"],
        json!([{"status": "pending", "count": 1}])
    );
    assert_eq!(
        app.get("/api/diagnostics/pending/", Some(&ana.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get("/api/diagnostics/completed/", Some(&ana.access))
            .await
            .body,
        json!([])
    );
    let by = app
        .get(
            &format!("/api/diagnostics/by_vehicle/?vehicle_id={bob_v}"),
            Some(&ana.access),
        )
        .await;
    assert_eq!(by.body, json!([]));
    let sub = app
        .get(
            &format!("/api/vehicles/{v}/diagnostics/"),
            Some(&ana.access),
        )
        .await;
    assert_eq!(sub.body[0]["id"], id, "{}", sub.text);
    let r = app
        .send(
            "PATCH",
            &format!("/api/diagnostics/{id}/"),
            &ana.access,
            Some(json!({"status": "completed"})),
        )
        .await;
    assert_eq!(r.body["status"], "completed");
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/diagnostics/{id}/"),
            &ana.access,
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(app.db_value("SELECT count(*) FROM diagnostic_replies"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_problems_and_codes_are_said_plainly() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let s = app.user("cy@example.com").await;
    let v = vehicle(&app, &s, "Fiat", "Panda").await;
    let r = app
        .send(
            "POST",
            "/api/diagnostics/",
            &s.access,
            Some(json!({"vehicle": v, "title": "Question", "description": "Rien de spécial"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["ai_analysis"],
        "I could not identify the problem from this description. Read the fault codes with an OBD-II reader or consult a mechanic."
    );
    assert_eq!(r.body["confidence_score"], "0.00");
    assert!(r.body["analysis_data"]["severity"].is_null());
    // A well-formed code missing from the table is described by its family; codes in the text count too.
    let r = app
        .send(
            "POST",
            "/api/diagnostics/",
            &s.access,
            Some(json!({"vehicle": v, "title": "Code p1351", "description": "lu au garage"})),
        )
        .await;
    assert_eq!(r.body["trouble_codes"], json!(["P1351"]), "{}", r.text);
    let f = &r.body["analysis_data"]["trouble_codes"][0];
    assert_eq!(
        (f["known"].as_bool(), f["system"].as_str()),
        (Some(false), Some("powertrain"))
    );
    assert!(
        f["description"]
            .as_str()
            .unwrap()
            .contains("manufacturer-specific"),
        "{f}"
    );
    assert_eq!(r.body["analysis_data"]["confidence"], 0.5);
    // The free plan allows 5 a month.
    for i in 0..3 {
        let r = app
            .send(
                "POST",
                "/api/diagnostics/",
                &s.access,
                Some(json!({"vehicle": v, "title": format!("n{i}"), "description": "bruit"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = app
        .send(
            "POST",
            "/api/diagnostics/",
            &s.access,
            Some(json!({"vehicle": v, "title": "six", "description": "bruit"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (400, "plan_limit_reached"),
        "{}",
        r.text
    );
    // Huge and empty inputs are refused by rule, not by a crash.
    let r = app
        .send(
            "POST",
            "/api/diagnostics/",
            &s.access,
            Some(json!({"vehicle": v, "title": "", "description": "x".repeat(10_001)})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["errors"]["title"].is_array() && r.body["errors"]["description"].is_array());
}
