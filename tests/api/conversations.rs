//! Conversations and messages (assistant.md §3): CRUD with ownership, `send_message` with the offline reply and
//! its history, the plan without the assistant (`reply: null`), lists, stats, recent, and the 405s on messages.

use serde_json::{Value, json};

use crate::helpers::*;

async fn conversation(app: &TestApp, s: &Session, body: Value) -> i64 {
    let r = app
        .send("POST", "/api/conversations/", &s.access, Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

async fn send(app: &TestApp, s: &Session, id: i64, body: Value) -> Resp {
    app.send(
        "POST",
        &format!("/api/conversations/{id}/send_message/"),
        &s.access,
        Some(body),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_belong_to_their_owner_and_get_offline_replies() {
    let app =
        TestApp::spawn_with(&["--otp-policy", "off", "--default-plan", "premium"], false).await;
    let ana = app.user("ana@example.com").await;
    let bob = app.user("bob@example.com").await;
    let v = app
        .vehicle(
            &ana,
            json!({"make": "Peugeot", "model": "208", "year": 2019, "fuel_type": "gasoline"}),
        )
        .await;
    let bob_v = app
        .vehicle(
            &bob,
            json!({"make": "Fiat", "model": "Panda", "year": 2015}),
        )
        .await;
    let m = app
        .send(
            "POST",
            "/api/maintenances/",
            &ana.access,
            Some(json!({"vehicle": v, "service_date": "2026-10-03", "service_type": "Vidange", "mileage": 61_000, "cost": "189.90", "status": "COMPLETED"})),
        )
        .await;
    assert_eq!(m.status, 201, "{}", m.text);
    let mid = m.body["id"].as_i64().unwrap();

    // Create: title null, active by default; the detail carries its (empty) messages.
    let r = app
        .send("POST", "/api/conversations/", &ana.access, Some(json!({})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (
            r.body["title"].clone(),
            r.body["is_active"].clone(),
            r.body["messages_count"].clone(),
            r.body["last_message"].clone(),
            r.body["messages"].clone()
        ),
        (Value::Null, json!(true), json!(0), Value::Null, json!([]))
    );
    let c = r.body["id"].as_i64().unwrap();
    assert!(
        r.header("location")
            .unwrap()
            .ends_with(&format!("/api/conversations/{c}/"))
    );

    // The first message names the conversation and gets an answer from the records.
    let question =
        "How much did I spend on my 208 this year? I would like the total of every invoice please";
    let r = send(&app, &ana, c, json!({"content": question, "vehicle_id": v})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.body["role"].as_str(), r.body["content"].as_str()),
        (Some("user"), Some(question))
    );
    let reply = &r.body["reply"];
    assert_eq!(
        (reply["role"].as_str(), reply["conversation"].as_i64()),
        (Some("assistant"), Some(c))
    );
    assert_eq!(reply["metadata"]["intent"], "costs", "{}", r.text);
    assert_eq!(reply["metadata"]["source"], "knowledge_base");
    assert_eq!(reply["metadata"]["model"], "autotrack-kb");
    assert!(
        reply["metadata"]["records"]
            .as_array()
            .unwrap()
            .contains(&json!({"type": "maintenance", "id": mid})),
        "{}",
        r.text
    );
    assert!(
        reply["content"].as_str().unwrap().contains("189.90"),
        "{}",
        r.text
    );

    let r = app
        .send(
            "GET",
            &format!("/api/conversations/{c}/"),
            &ana.access,
            None,
        )
        .await;
    let title: String = question.chars().take(60).collect();
    assert_eq!(r.body["title"].as_str(), Some(title.trim()));
    assert_eq!(r.body["messages_count"], 2);
    assert_eq!(r.body["last_message"]["role"], "assistant");
    let roles: Vec<&str> = r.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant"]);

    // A second message in French: the title stays.
    let r = send(
        &app,
        &ana,
        c,
        json!({"content": "Quel est l'historique de ma Peugeot ?"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["reply"]["metadata"]["intent"], "history");
    let r = app
        .send(
            "GET",
            &format!("/api/conversations/{c}/messages/"),
            &ana.access,
            None,
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 4, "{}", r.text);
    assert_eq!(r.body[0]["content"].as_str(), Some(question));
    let r = app
        .send(
            "GET",
            &format!("/api/conversations/{c}/"),
            &ana.access,
            None,
        )
        .await;
    assert_eq!(r.body["title"].as_str(), Some(title.trim()));

    // Bad input: empty, blank, too long, another user's vehicle; nothing is stored.
    for (body, field) in [
        (json!({}), "content"),
        (json!({"content": "   "}), "content"),
        (json!({"content": "x".repeat(4001)}), "content"),
        (
            json!({"content": "hello", "vehicle_id": bob_v}),
            "vehicle_id",
        ),
        (
            json!({"content": "hello", "vehicle_id": "abc"}),
            "vehicle_id",
        ),
    ] {
        let r = send(&app, &ana, c, body.clone()).await;
        assert_eq!(
            (r.status, r.code()),
            (400, "validation_error"),
            "{body}: {}",
            r.text
        );
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.text);
    }
    let r = send(&app, &ana, c, json!({"content": "x".repeat(4000)})).await;
    assert_eq!(r.status, 201, "a 4000-character message is fine");
    assert_eq!(r.body["reply"]["metadata"]["intent"], "unknown");

    // Another user sees none of it: 404 on every path, also as send_message's id; their lists stay empty.
    for (method, path, body) in [
        ("GET", format!("/api/conversations/{c}/"), None),
        (
            "PATCH",
            format!("/api/conversations/{c}/"),
            Some(json!({"title": "mine"})),
        ),
        (
            "PUT",
            format!("/api/conversations/{c}/"),
            Some(json!({"title": "mine"})),
        ),
        ("DELETE", format!("/api/conversations/{c}/"), None),
        ("GET", format!("/api/conversations/{c}/messages/"), None),
        (
            "POST",
            format!("/api/conversations/{c}/send_message/"),
            Some(json!({"content": "hi"})),
        ),
        (
            "POST",
            format!("/api/conversations/{c}/send_message/"),
            Some(json!({})),
        ),
    ] {
        let r = app.send(method, &path, &bob.access, body).await;
        assert_eq!(
            (r.status, r.code()),
            (404, "not_found"),
            "{method} {path}: {}",
            r.text
        );
    }
    let ana_msg = app
        .send(
            "GET",
            &format!("/api/messages/?conversation={c}"),
            &ana.access,
            None,
        )
        .await;
    assert_eq!(ana_msg.body["count"], 6, "{}", ana_msg.text);
    let first = ana_msg.body["results"][0]["id"].as_i64().unwrap();
    let r = app
        .send("GET", &format!("/api/messages/{first}/"), &bob.access, None)
        .await;
    assert_eq!(r.status, 404);
    let r = app.send("GET", "/api/messages/", &bob.access, None).await;
    assert_eq!(r.body["count"], 0);
    let r = app
        .send("GET", "/api/conversations/", &bob.access, None)
        .await;
    assert_eq!(r.body["count"], 0);
    let r = app
        .send(
            "POST",
            "/api/messages/",
            &bob.access,
            Some(json!({"conversation": c, "content": "hi"})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["errors"]["conversation"][0].as_str(),
        Some("Conversation not found."),
        "{}",
        r.text
    );

    // POST /api/messages/ stores a user message without a reply; messages cannot be changed.
    let r = app
        .send(
            "POST",
            "/api/messages/",
            &ana.access,
            Some(json!({"conversation": c, "content": "Note to self"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.body["role"].as_str(), r.body.get("reply")),
        (Some("user"), None)
    );
    let note = r.body["id"].as_i64().unwrap();
    for method in ["PUT", "PATCH", "DELETE"] {
        let r = app
            .send(
                method,
                &format!("/api/messages/{note}/"),
                &ana.access,
                Some(json!({"content": "changed"})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (405, "method_not_allowed"),
            "{method}: {}",
            r.text
        );
    }
    let r = app
        .send("GET", &format!("/api/messages/{note}/"), &ana.access, None)
        .await;
    assert_eq!(r.body["content"], "Note to self");

    // Filters: role, is_active, search; ordering by default newest first.
    let r = app
        .send("GET", "/api/messages/?role=assistant", &ana.access, None)
        .await;
    assert_eq!(r.body["count"], 3);
    let r = app
        .send("GET", "/api/messages/?role=robot", &ana.access, None)
        .await;
    assert_eq!((r.status, r.code()), (400, "validation_error"));
    let other = conversation(
        &app,
        &ana,
        json!({"title": "Pneus hiver", "is_active": false}),
    )
    .await;
    let r = app
        .send(
            "GET",
            "/api/conversations/?is_active=false",
            &ana.access,
            None,
        )
        .await;
    assert_eq!(r.body["count"], 1);
    assert_eq!(r.body["results"][0]["id"].as_i64(), Some(other));
    let r = app
        .send("GET", "/api/conversations/?search=pneus", &ana.access, None)
        .await;
    assert_eq!(r.body["count"], 1);
    let r = app
        .send("GET", "/api/conversations/", &ana.access, None)
        .await;
    assert_eq!(
        r.body["results"][0]["id"].as_i64(),
        Some(other),
        "newest updated_at first"
    );

    // Recent: unpaginated, limit 1–100.
    let r = app
        .send(
            "GET",
            "/api/conversations/recent/?limit=1",
            &ana.access,
            None,
        )
        .await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{}", r.text);
    for bad in ["0", "101", "x"] {
        let r = app
            .send(
                "GET",
                &format!("/api/conversations/recent/?limit={bad}"),
                &ana.access,
                None,
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "validation_error"), "{bad}");
    }

    // Stats: 2 conversations, 7 messages.
    let r = app
        .send("GET", "/api/conversations/stats/", &ana.access, None)
        .await;
    assert_eq!(
        r.body,
        json!({"total_conversations": 2, "total_messages": 7, "average_messages_per_conversation": 3.5})
    );
    let r = app
        .send("GET", "/api/conversations/stats/", &bob.access, None)
        .await;
    assert_eq!(
        r.body,
        json!({"total_conversations": 0, "total_messages": 0, "average_messages_per_conversation": 0.0})
    );

    // Update: PATCH and PUT change title and is_active; bad values are refused.
    let r = app
        .send(
            "PATCH",
            &format!("/api/conversations/{other}/"),
            &ana.access,
            Some(json!({"is_active": true})),
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.body["is_active"].clone(),
            r.body["title"].clone()
        ),
        (200, json!(true), json!("Pneus hiver"))
    );
    let r = app
        .send(
            "PUT",
            &format!("/api/conversations/{other}/"),
            &ana.access,
            Some(json!({"title": null})),
        )
        .await;
    assert_eq!((r.status, r.body["title"].clone()), (200, Value::Null));
    for body in [
        json!({"title": "x".repeat(256)}),
        json!({"is_active": "maybe"}),
    ] {
        let r = app
            .send(
                "PATCH",
                &format!("/api/conversations/{other}/"),
                &ana.access,
                Some(body.clone()),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "validation_error"), "{body}");
    }

    // Delete takes the messages along.
    let r = app
        .send(
            "DELETE",
            &format!("/api/conversations/{c}/"),
            &ana.access,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .send("GET", &format!("/api/messages/{note}/"), &ana.access, None)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(app.db_value("SELECT count(*) FROM ai_messages"), json!(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_assistant_feature_a_message_is_stored_with_no_reply() {
    let app = TestApp::spawn_with(&["--otp-policy", "off", "--default-plan", "free"], false).await;
    let s = app.user("free@example.com").await;
    let c = conversation(&app, &s, json!({"title": "Questions"})).await;
    let r = send(&app, &s, c, json!({"content": "What is P0301?"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["reply"], Value::Null);
    let r = app
        .send("GET", &format!("/api/conversations/{c}/"), &s.access, None)
        .await;
    assert_eq!(
        (r.body["messages_count"].clone(), r.body["title"].clone()),
        (json!(1), json!("Questions"))
    );
}
