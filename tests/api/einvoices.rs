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
