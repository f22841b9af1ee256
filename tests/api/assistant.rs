//! The assistant actions (assistant.md §4–§6): plan gate, validation order, offline answers with figures checked
//! against seeded records in both languages, and the provider path against a local OpenAI-compatible test double
//! (`ProviderDouble`, below: it plays the remote AI API, which no local server can), with its timeout and errors.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::helpers::*;

async fn vehicle(app: &TestApp, s: &Session, body: Value) -> i64 {
    let r = app
        .send("POST", "/api/vehicles", &s.access, Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

/// A maintenance record: (date, service type, mileage, cost, status).
async fn record(app: &TestApp, s: &Session, v: i64, r: (&str, &str, i64, &str, &str)) -> i64 {
    let (date, kind, km, cost, status) = r;
    let r = app
        .send(
            "POST",
            "/api/maintenances",
            &s.access,
            Some(json!({"vehicle": v, "service_date": date, "service_type": kind, "mileage": km, "cost": cost, "status": status})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

async fn chat(app: &TestApp, s: &Session, message: &str) -> Resp {
    app.send(
        "POST",
        "/api/assistant/chat/",
        &s.access,
        Some(json!({"message": message})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_assistant_answers_from_the_users_own_records() {
    let app =
        TestApp::spawn_with(&["--otp-policy", "off", "--default-plan", "premium"], false).await;
    let ana = app.user("ana@example.com").await;
    let bob = app.user("bob@example.com").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let clio = vehicle(&app, &ana, json!({"make": "Renault", "model": "Clio", "year": 2018, "fuel_type": "diesel", "license_plate": "AB-123-CD"})).await;
    let zoe = vehicle(
        &app,
        &ana,
        json!({"make": "Renault", "model": "Zoe", "year": 2021, "fuel_type": "electric"}),
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let d = |days: i64| (today - chrono::Duration::days(days)).to_string();
    let oil = record(
        &app,
        &ana,
        clio,
        (&d(40), "Vidange", 84_500, "150.00", "COMPLETED"),
    )
    .await;
    let tyres = record(
        &app,
        &ana,
        zoe,
        (&d(20), "Pneus", 20_000, "320.50", "COMPLETED"),
    )
    .await;
    let old = record(
        &app,
        &ana,
        clio,
        ("2019-05-01", "Vidange", 30_000, "99.00", "COMPLETED"),
    )
    .await;
    let planned = record(
        &app,
        &ana,
        clio,
        (
            &(today + chrono::Duration::days(10)).to_string(),
            "Freins",
            0,
            "0",
            "SCHEDULED",
        ),
    )
    .await;
    // Bob's records must never show up in Ana's answers.
    let bob_v = vehicle(
        &app,
        &bob,
        json!({"make": "Fiat", "model": "Panda", "year": 2015}),
    )
    .await;
    record(
        &app,
        &bob,
        bob_v,
        (&d(5), "Vidange", 100_000, "999.99", "COMPLETED"),
    )
    .await;

    // Costs over the last 12 months, in English: total, count, average.
    let r = chat(&app, &ana, "How much did I spend on maintenance?").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["intent"].as_str(),
            r.body["source"].as_str(),
            r.body["model"].as_str()
        ),
        (Some("costs"), Some("knowledge_base"), Some("autotrack-kb"))
    );
    let c = r.body["content"].as_str().unwrap();
    assert!(
        c.contains("€470.50") && c.contains("2 maintenance records") && c.contains("€235.25"),
        "{c}"
    );
    assert!(!c.contains("999.99"), "{c}");
    let ids: Vec<i64> = r.body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.contains(&oil) && ids.contains(&tyres) && !ids.contains(&old),
        "{ids:?}"
    );

    // A year named, and a vehicle named by its model.
    let r = chat(&app, &ana, "What did the Clio cost in 2019?").await;
    assert!(
        r.body["content"].as_str().unwrap().contains("€99.00"),
        "{}",
        r.text
    );
    assert_eq!(
        r.body["records"],
        json!([{"type": "maintenance", "id": old}])
    );

    // History of the Clio, in French after the setting changes.
    app.send(
        "PATCH",
        "/api/settings/update_me/",
        &ana.access,
        Some(json!({"language": "fr"})),
    )
    .await;
    let r = chat(&app, &ana, "Quel est l'historique de la Clio ?").await;
    assert_eq!(r.body["intent"], "history", "{}", r.text);
    let c = r.body["content"].as_str().unwrap();
    assert!(
        c.contains("Vidange") && c.contains("84 500 km") && c.contains("150,00 €"),
        "{c}"
    );
    // What is due: the scheduled brake job within 60 days.
    let r = chat(&app, &ana, "Qu'est-ce qui est prévu pour la Clio ?").await;
    assert_eq!(r.body["intent"], "due", "{}", r.text);
    assert!(
        r.body["content"].as_str().unwrap().contains("Freins"),
        "{}",
        r.text
    );
    assert!(
        r.body["records"]
            .as_array()
            .unwrap()
            .contains(&json!({"type": "maintenance", "id": planned}))
    );
    // Costs this year in French.
    let r = chat(&app, &ana, &format!("Combien ai-je dépensé en {year} ?")).await;
    assert_eq!(r.body["intent"], "costs");
    // A fault code in an odd form, and a symptom.
    let r = chat(&app, &ana, "que veut dire le code p0 301 ?").await;
    assert_eq!(r.body["intent"], "trouble_code", "{}", r.text);
    assert!(
        r.body["content"]
            .as_str()
            .unwrap()
            .contains("Ratés d'allumage cylindre 1"),
        "{}",
        r.text
    );
    assert_eq!(
        r.body["records"],
        json!([{"type": "trouble_code", "id": "P0301"}])
    );
    let r = chat(
        &app,
        &ana,
        "ma voiture fume blanc au démarrage, fumée blanche",
    )
    .await;
    assert_eq!(r.body["intent"], "symptom", "{}", r.text);
    // Out of scope: said plainly.
    let r = chat(&app, &ana, "Qui a gagné la coupe du monde ?").await;
    assert_eq!(r.body["intent"], "unknown");
    assert!(
        r.body["content"]
            .as_str()
            .unwrap()
            .starts_with("Je ne sais pas"),
        "{}",
        r.text
    );

    // Another user's vehicle is refused on the key that names it.
    let r = app
        .send(
            "POST",
            "/api/assistant/chat/",
            &ana.access,
            Some(json!({"message": "history", "vehicle_id": bob_v})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["errors"]["vehicle_id"].is_array()),
        (400, true),
        "{}",
        r.text
    );

    // Maintenance suggestions: echo, items, at most 5 lines.
    let r = app
        .send("POST", "/api/assistant/maintenance_suggestions/", &ana.access,
            Some(json!({"vehicleInfo": {"make": "Renault", "model": "Clio", "year": 2018, "mileage": 99_000, "id": clio}})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["vehicleInfo"]["mileage"], 99_000);
    let items = r.body["items"].as_array().unwrap();
    let oil_item = items.iter().find(|i| i["key"] == "oil_change").unwrap();
    assert_eq!(
        (oil_item["due_km"].as_i64(), oil_item["overdue"].as_bool()),
        (Some(99_500), Some(false)),
        "{oil_item}"
    );
    assert!(
        items.iter().any(|i| i["key"] == "fuel_filter"),
        "diesel items apply"
    );
    assert!(
        !items.iter().any(|i| i["key"] == "spark_plugs"),
        "no spark plugs on a diesel"
    );
    assert!(r.body["suggestions"].as_array().unwrap().len() <= 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_are_plan_gated_and_validated_in_order() {
    let app = TestApp::spawn_with(&["--otp-policy", "off"], false).await;
    let s = app.user("free@example.com").await;
    // The free plan has no assistant: 403 before the body is read.
    let r = app
        .send("POST", "/api/assistant/chat/", &s.access, Some(json!({})))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (403, "plan_upgrade_required"),
        "{}",
        r.text
    );
    assert_eq!(
        (r.body["feature"].as_str(), r.body["required_plan"].as_str()),
        (Some("ai_assistant"), Some("standard"))
    );
    let admin = app.admin("boss@example.com").await;
    let r = app
        .send(
            "POST",
            "/api/subscriptions",
            &admin.access,
            Some(json!({"user": s.user_id, "plan_code": "standard"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .send(
            "POST",
            "/api/assistant/diagnostic/",
            &s.access,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["required_plan"].as_str()),
        (403, Some("premium")),
        "{}",
        r.text
    );
    // Required inputs, then vehicleInfo keys, then the rest.
    let r = app
        .send(
            "POST",
            "/api/assistant/chat/",
            &s.access,
            Some(json!({"message": "  "})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["detail"].as_str()),
        (400, Some("The message is required.")),
        "{}",
        r.text
    );
    let r = app
        .send(
            "POST",
            "/api/assistant/maintenance_suggestions/",
            &s.access,
            Some(json!({"vehicleInfo": {"make": "Fiat", "model": "500"}})),
        )
        .await;
    assert_eq!(
        r.body["detail"], "Missing fields: year, mileage",
        "{}",
        r.text
    );
    assert!(
        r.body["errors"]["vehicleInfo.year"].is_array()
            && r.body["errors"]["vehicleInfo.mileage"].is_array()
    );
    let r = app
        .send(
            "POST",
            "/api/assistant/chat/",
            &s.access,
            Some(json!({"message": "x".repeat(4001)})),
        )
        .await;
    assert!(r.body["errors"]["message"].is_array(), "{}", r.text);
    let r = app
        .send(
            "POST",
            "/api/assistant/chat/",
            &s.access,
            Some(json!({"message": "hi", "history": [{"role": "root", "content": "x"}]})),
        )
        .await;
    assert!(r.body["errors"]["history.0"].is_array(), "{}", r.text);
}

/// The test double of an OpenAI-compatible API: records each request and answers as its mode says.
#[derive(Clone, Default)]
struct ProviderDouble {
    requests: Arc<Mutex<Vec<Value>>>,
    mode: Arc<Mutex<&'static str>>,
}

async fn completions(
    State(d): State<ProviderDouble>,
    Json(body): Json<Value>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    d.requests.lock().unwrap().push(body);
    let mode = *d.mode.lock().unwrap();
    match mode {
        "slow" => {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            Json(json!({"choices": [{"message": {"role": "assistant", "content": "too late"}}]})).into_response()
        }
        "error" => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        "empty" => Json(json!({"choices": [{"message": {"role": "assistant", "content": "  "}}]})).into_response(),
        _ => Json(json!({"choices": [{"message": {"role": "assistant", "content": "Worded by the provider."}}]})).into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_provider_words_answers_and_falls_back_offline() {
    let double = ProviderDouble::default();
    *double.mode.lock().unwrap() = "ok";
    let router = axum::Router::new()
        .route("/v1/chat/completions", axum::routing::post(completions))
        .with_state(double.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let app = TestApp::spawn_with(
        &[
            "--otp-policy",
            "off",
            "--default-plan",
            "premium",
            "--ai-base-url",
            &base,
            "--ai-model",
            "test-model",
            "--ai-api-key",
            "sk-test-secret",
            "--ai-timeout-seconds",
            "1",
        ],
        false,
    )
    .await;
    let ana = app.user("ana@example.com").await;
    let bob = app.user("bob@example.com").await;
    let v = vehicle(
        &app,
        &ana,
        json!({"make": "Renault", "model": "Clio", "year": 2018}),
    )
    .await;
    let bob_v = vehicle(
        &app,
        &bob,
        json!({"make": "Fiat", "model": "Panda", "year": 2015}),
    )
    .await;
    record(
        &app,
        &ana,
        v,
        ("2026-11-01", "Vidange", 84_500, "150.00", "COMPLETED"),
    )
    .await;
    record(
        &app,
        &bob,
        bob_v,
        ("2026-11-02", "Secret Bob service", 1, "777.77", "COMPLETED"),
    )
    .await;

    let r = chat(&app, &ana, "What is the history of my Clio?").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["source"].as_str(),
            r.body["model"].as_str(),
            r.body["content"].as_str()
        ),
        (
            Some("provider"),
            Some("test-model"),
            Some("Worded by the provider.")
        )
    );
    assert_eq!(r.body["intent"], "history");
    let sent = double.requests.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (
            sent["model"].as_str(),
            sent["temperature"].as_f64(),
            sent["max_tokens"].as_i64()
        ),
        (Some("test-model"), Some(0.3), Some(800))
    );
    let all = sent.to_string();
    assert!(
        all.contains("Vidange") && !all.contains("Secret Bob") && !all.contains("777.77"),
        "{all}"
    );

    // Timeout, HTTP error, empty answer: the offline answer, every time.
    for mode in ["slow", "error", "empty"] {
        *double.mode.lock().unwrap() = mode;
        let r = chat(&app, &ana, "What is the history of my Clio?").await;
        assert_eq!(
            (
                r.status,
                r.body["source"].as_str(),
                r.body["model"].as_str()
            ),
            (200, Some("knowledge_base"), Some("autotrack-kb")),
            "{mode}: {}",
            r.text
        );
        assert!(
            r.body["content"].as_str().unwrap().contains("Vidange"),
            "{mode}: {}",
            r.text
        );
    }
    // A diagnostic's analysis text comes from the provider; the structure stays offline.
    *double.mode.lock().unwrap() = "ok";
    let d = app
        .send(
            "POST",
            "/api/diagnostics/",
            &ana.access,
            Some(json!({"vehicle": v, "title": "P0301", "description": "ratés"})),
        )
        .await;
    let id = d.body["id"].as_i64().unwrap();
    assert_eq!(
        d.body["analysis_data"]["source"], "knowledge_base",
        "create stays offline"
    );
    let r = app
        .send(
            "POST",
            &format!("/api/diagnostics/{id}/analyze/"),
            &ana.access,
            None,
        )
        .await;
    assert_eq!(
        (
            r.body["diagnostic"]["ai_analysis"].as_str(),
            r.body["diagnostic"]["analysis_data"]["source"].as_str()
        ),
        (Some("Worded by the provider."), Some("provider")),
        "{}",
        r.text
    );
    // In a conversation, the provider gets the earlier messages as turns, and the reply says where it came from.
    let c = app
        .send("POST", "/api/conversations/", &ana.access, Some(json!({})))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    for text in [
        "Quel est l'historique de ma Clio ?",
        "Et combien ai-je dépensé ?",
    ] {
        let r = app
            .send(
                "POST",
                &format!("/api/conversations/{c}/send_message/"),
                &ana.access,
                Some(json!({"content": text})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(
            (
                r.body["reply"]["content"].as_str(),
                r.body["reply"]["metadata"]["source"].as_str(),
                r.body["reply"]["metadata"]["model"].as_str()
            ),
            (
                Some("Worded by the provider."),
                Some("provider"),
                Some("test-model")
            )
        );
    }
    let sent = double.requests.lock().unwrap().last().cloned().unwrap();
    let turns: Vec<(&str, &str)> = sent["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
        .collect();
    let n = turns.len();
    assert_eq!(
        &turns[n - 3..],
        &[
            ("user", "Quel est l'historique de ma Clio ?"),
            ("assistant", "Worded by the provider."),
            ("user", "Et combien ai-je dépensé ?")
        ],
        "{sent}"
    );
}
