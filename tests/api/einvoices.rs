//! Structured e-invoices: Factur-X PDFs of every profile and a UBL attachment, built by the PyPI `factur-x`
//! package (each XML checked against its profile's XSD) and pypdf, uploaded like any file. Their fields are read
//! from the XML, exact, and where the visible page says otherwise it is reported.

use serde_json::{Value, json};

use crate::helpers::*;

fn python() -> String {
    std::env::var("AUTOTRACK_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// The generated files and what each holds.
fn make(dir: &std::path::Path) -> Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/einvoice/make.py");
    let out = std::process::Command::new(python())
        .arg(&script)
        .arg(dir)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "make.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn factur_x_and_ubl_invoices_are_read_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let expected = make(dir.path());
    let mut args = vec!["--otp-policy", "off"];
    args.extend_from_slice(NO_SCHEDULES);
    let app = TestApp::spawn_with(&args, false).await;
    let s = app.user("einvoice@example.com").await;
    let mut ids = Vec::new();
    for (name, want) in expected.as_object().unwrap() {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        let r = app.upload(&s.access, name, bytes).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push((name.clone(), want.clone(), r.body["id"].as_i64().unwrap()));
    }
    let report = app.run_job("analyze_documents").await;
    assert_eq!(report.items as usize, ids.len(), "{report:?}");
    for (name, want, id) in ids {
        let d = app
            .get(&format!("/api/documents/{id}/"), Some(&s.access))
            .await
            .body;
        assert_eq!(d["analysis_status"], "done", "{name}: {d}");
        assert_eq!(d["document_type"], "invoice", "{name}");
        let data = &d["analysis_data"];
        let syntax = if name == "ubl.pdf" { "ubl" } else { "factur-x" };
        let field = |k: &str| data["fields"][k].clone();
        for (k, v) in [
            ("invoice_number", want["number"].clone()),
            ("invoice_date", json!("2026-11-03")),
            ("garage_name", json!("Garage Dupont SARL")),
            ("siren", json!("732829320")),
            ("vat_number", json!("FR44732829320")),
            ("total_excl_tax", json!("99.00")),
            ("vat_amount", json!("19.80")),
            ("total_incl_tax", json!("118.80")),
            ("currency", json!("EUR")),
        ] {
            assert_eq!(
                (
                    field(k)["value"].clone(),
                    field(k)["confidence"].clone(),
                    field(k)["source"].clone()
                ),
                (v, json!(1.0), json!(syntax)),
                "{name}: {k}: {data}"
            );
        }
        let e = &data["e_invoice"];
        assert_eq!(
            (
                e["format"].as_str(),
                e["profile"].clone(),
                e["type"].as_str()
            ),
            (Some(syntax), want["profile"].clone(), Some("invoice")),
            "{name}"
        );
        assert_eq!(
            e["line_items"].as_array().map(Vec::len),
            want["lines"].as_u64().map(|n| n as usize),
            "{name}: {e}"
        );
        if want["lines"] == 2 {
            assert_eq!(
                e["line_items"][0],
                json!({"name": "Vidange huile 5W30", "quantity": if syntax == "ubl" { "4" } else { "4.0000" },
                    "unit_price": "12.50", "total": "50.00"}),
                "{name}"
            );
        }
        let disagreements = e["disagreements"].as_array().unwrap();
        if name == "facturx-disagree.pdf" {
            assert_eq!(
                disagreements,
                &vec![json!({"field": "total_incl_tax", "e_invoice": "118.80", "text": "120.00"})]
            );
        } else {
            assert!(disagreements.is_empty(), "{name}: {e}");
        }
        // The suggestion the frontend pre-fills comes from the exact figures.
        assert_eq!(
            data["suggestion"]["maintenance"]["cost"], "118.80",
            "{name}: {data}"
        );
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

/// Uploads `bytes` (with `vehicle` when given) and runs the analysis; answers the document id.
async fn analysed(
    app: &TestApp,
    s: &Session,
    name: &str,
    bytes: Vec<u8>,
    vehicle: Option<i64>,
) -> i64 {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    if let Some(v) = vehicle {
        form = form.text("vehicle", v.to_string());
    }
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/documents/", app.base))
            .bearer_auth(&s.access)
            .multipart(form),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.run_job("analyze_documents").await.items, 1);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_becomes_a_maintenance_and_a_certificate_completes_a_vehicle() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path());
    let mut args = vec!["--otp-policy", "off", "--default-plan", "premium"];
    args.extend_from_slice(NO_SCHEDULES);
    let app = TestApp::spawn_with(&args, false).await;
    let s = app.user("apply@example.com").await;
    let bob = app.user("bob@example.com").await;
    let car = app
        .vehicle(
            &s,
            json!({"make": "Renault", "model": "Clio", "year": 2019}),
        )
        .await;
    let invoice = std::fs::read(dir.path().join("facturx-en16931.pdf")).unwrap();
    let doc = analysed(&app, &s, "facture.pdf", invoice.clone(), Some(car)).await;
    let path = format!("/api/documents/{doc}/apply-suggestion/");

    // Another user's document is not found; the owner's invoice makes one completed maintenance.
    let r = app.send("POST", &path, &bob.access, None).await;
    assert_eq!(r.status, 404);
    let r = app.send("POST", &path, &s.access, None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["applied"], "maintenance");
    let m = &r.body["maintenance"];
    assert_eq!(
        (
            m["vehicle"].as_i64(),
            m["cost"].as_str(),
            m["status"].as_str(),
            m["service_date"].as_str().map(|d| &d[..10])
        ),
        (
            Some(car),
            Some("118.80"),
            Some("COMPLETED"),
            Some("2026-11-03")
        ),
        "{m}"
    );
    assert_eq!(
        m["description"].as_str(),
        Some("Garage Dupont SARL — facture FX-EN16931-0117 — Vidange huile 5W30, Main d'oeuvre"),
        "{m}"
    );
    let mid = m["id"].as_i64().unwrap();

    // Twice: nothing new, 409 with the record made the first time.
    let r = app.send("POST", &path, &s.access, None).await;
    assert_eq!((r.status, r.code()), (409, "conflict"), "{}", r.text);
    assert_eq!(r.body["maintenance"]["id"].as_i64(), Some(mid));
    let list = app.send("GET", "/api/maintenances/", &s.access, None).await;
    assert_eq!(list.body["count"], 1);

    // Once the maintenance is deleted, the suggestion can be applied again, with overrides.
    let r = app
        .send(
            "DELETE",
            &format!("/api/maintenances/{mid}/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .send(
            "POST",
            &path,
            &s.access,
            Some(json!({"service_type": "Vidange", "mileage": 45_230})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (
            r.body["maintenance"]["service_type"].as_str(),
            r.body["maintenance"]["mileage"].as_i64()
        ),
        (Some("Vidange"), Some(45_230))
    );

    // Without a vehicle, one must be given; a bad override is the maintenance's own validation error.
    let loose = analysed(&app, &s, "sans-vehicule.pdf", invoice.clone(), None).await;
    let loose_path = format!("/api/documents/{loose}/apply-suggestion/");
    let r = app.send("POST", &loose_path, &s.access, None).await;
    assert_eq!(
        (r.status, r.code()),
        (400, "validation_error"),
        "{}",
        r.text
    );
    assert!(r.body["errors"]["vehicle"].is_array(), "{}", r.text);
    let bob_car = app
        .vehicle(
            &bob,
            json!({"make": "Fiat", "model": "Panda", "year": 2015}),
        )
        .await;
    for body in [
        json!({"vehicle": bob_car}),
        json!({"vehicle": car, "cost": "abc"}),
    ] {
        let r = app
            .send("POST", &loose_path, &s.access, Some(body.clone()))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (400, "validation_error"),
            "{body}: {}",
            r.text
        );
    }
    assert_eq!(
        app.send("GET", "/api/maintenances/", &bob.access, None)
            .await
            .body["count"],
        0
    );

    // A registration certificate fills the vehicle's empty plate and VIN, and nothing twice.
    let cert = analysed(
        &app,
        &s,
        "carte-grise.jpg",
        fixture("registration-exif.jpg"),
        Some(car),
    )
    .await;
    let r = app
        .send(
            "POST",
            &format!("/api/documents/{cert}/apply-suggestion/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["applied"], "vehicle");
    assert_eq!(
        (
            r.body["vehicle"]["license_plate"].as_str(),
            r.body["vehicle"]["vin"].as_str()
        ),
        (Some("FG-482-KL"), Some("VF1RJA00X63123456")),
        "{}",
        r.text
    );
    let filled = r.body["filled"].as_array().unwrap();
    assert!(
        filled.contains(&json!("license_plate")) && filled.contains(&json!("vin")),
        "{}",
        r.text
    );
    let r = app
        .send(
            "POST",
            &format!("/api/documents/{cert}/apply-suggestion/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "conflict"));
    assert_eq!(r.body["vehicle"]["id"].as_i64(), Some(car));

    // A document without a suggestion has nothing to apply.
    let other = analysed(
        &app,
        &s,
        "note.pdf",
        std::fs::read(dir.path().join("ubl.pdf")).unwrap(),
        None,
    )
    .await;
    let r = app
        .send(
            "PATCH",
            &format!("/api/documents/{other}/"),
            &s.access,
            Some(json!({"document_type": "insurance"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .send(
            "POST",
            &format!("/api/documents/{other}/analyze/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(app.run_job("analyze_documents").await.items, 1);
    let r = app
        .send(
            "POST",
            &format!("/api/documents/{other}/apply-suggestion/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (400, "validation_error"),
        "{}",
        r.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_pdfs_are_read_by_where_the_text_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path());
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("layouts.json")).unwrap()).unwrap();
    let mut args = vec!["--otp-policy", "off"];
    args.extend_from_slice(NO_SCHEDULES);
    let app = TestApp::spawn_with(&args, false).await;
    let s = app.user("layouts@example.com").await;
    // Each was written labels first and values after, in a right-hand column (layout-english.pdf: in English
    // with the currency sign glued to the amounts; layout-siren.pdf: a SIREN in the RCS mention, no SIRET).
    for (name, want) in expected.as_object().unwrap() {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        let id = analysed(&app, &s, name, bytes, None).await;
        let d = app
            .get(&format!("/api/documents/{id}/"), Some(&s.access))
            .await
            .body;
        let data = &d["analysis_data"];
        assert_eq!(
            (d["document_type"].as_str(), data["source"].as_str()),
            (Some("invoice"), Some("text_layer")),
            "{name}: {d}"
        );
        for (field, value) in want.as_object().unwrap() {
            assert_eq!(
                &data["fields"][field]["value"], value,
                "{name}: {field}: {data}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_photo_of_a_garage_invoice_is_read_and_applied() {
    // A phone photo from bench/corpus/hard.py's tune split: the page tilted about 5° with a keystone, on a desk,
    // a shadow across it, JPEG; a parts-and-labour table, the totals in a box, the vehicle block's values under
    // their labels, the identifiers in a legal footer.
    let mut args = vec!["--otp-policy", "off"];
    args.extend_from_slice(NO_SCHEDULES);
    let app = TestApp::spawn_with(&args, false).await;
    let s = app.user("photo@example.com").await;
    let car = app
        .vehicle(
            &s,
            json!({"make": "Dacia", "model": "Sandero", "year": 2013}),
        )
        .await;
    let doc = analysed(
        &app,
        &s,
        "IMG_2041.jpg",
        fixture("invoice-photo.jpg"),
        Some(car),
    )
    .await;
    let d = app
        .get(&format!("/api/documents/{doc}/"), Some(&s.access))
        .await
        .body;
    assert_eq!(d["analysis_data"]["source"], "ocr", "{d}");
    let f = &d["analysis_data"]["fields"];
    for (field, value) in [
        ("invoice_number", json!("FA2508-0517")),
        ("invoice_date", json!("2025-08-13")),
        ("garage_name", json!("Atelier Mécanique Lebrun")),
        ("siret", json!("97139604900035")),
        ("vat_number", json!("FR87971396049")),
        ("total_excl_tax", json!("471.31")),
        ("vat_amount", json!("94.26")),
        ("total_incl_tax", json!("565.57")),
        ("mileage", json!(78586)),
    ] {
        assert_eq!(f[field]["value"], value, "{field}: {f}");
    }
    // The second call of "upload then apply".
    let r = app
        .send(
            "POST",
            &format!("/api/documents/{doc}/apply-suggestion/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = &r.body["maintenance"];
    assert_eq!(
        (
            m["cost"].as_str(),
            m["mileage"].as_i64(),
            m["vehicle"].as_i64()
        ),
        (Some("565.57"), Some(78_586), Some(car)),
        "{m}"
    );
}
