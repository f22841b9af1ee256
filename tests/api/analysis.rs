//! Document analysis: the background job reads real files with the bundled OCR models (or the PDF text layer),
//! detects the type and extracts typed fields.

use serde_json::json;

use crate::helpers::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> i64 {
    let r = app.upload(token, name, bytes).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["analysis_status"], "pending");
    r.body["id"].as_i64().unwrap()
}

fn args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut a = vec!["--otp-policy", "off"];
    a.extend_from_slice(NO_SCHEDULES);
    a.extend_from_slice(extra);
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_are_read_from_images_scans_and_text_layers() {
    let app = TestApp::spawn_with(&args(&[]), false).await;
    let s = app.user("ocr@example.com").await;
    let image = upload(&app, &s.access, "facture.jpg", fixture("invoice.jpg")).await;
    let scan = upload(&app, &s.access, "scan.pdf", fixture("invoice-scan.pdf")).await;
    let layer = upload(&app, &s.access, "texte.pdf", fixture("invoice-text.pdf")).await;
    let report = app.run_job("analyze_documents").await;
    assert_eq!(
        (report.status.as_str(), report.items),
        ("succeeded", 3),
        "{report:?}"
    );
    for (id, source) in [(image, "ocr"), (scan, "ocr"), (layer, "text_layer")] {
        let d = app
            .get(&format!("/api/documents/{id}/"), Some(&s.access))
            .await
            .body;
        assert_eq!(
            (d["analysis_status"].as_str(), d["is_analyzed"].as_bool()),
            (Some("done"), Some(true)),
            "{id}: {d}"
        );
        assert!(d["analyzed_at"].is_string());
        let data = &d["analysis_data"];
        assert_eq!(
            (data["source"].as_str(), data["pages"].as_i64()),
            (Some(source), Some(1)),
            "{id}: {data}"
        );
        assert_eq!(
            d["document_type"], "invoice",
            "a detected type replaces `other`: {data}"
        );
        let fields = &data["fields"];
        assert_eq!(
            fields["total_incl_tax"]["value"], "118.80",
            "{id}: {fields}"
        );
        assert_eq!(
            fields["invoice_date"]["value"], "2026-03-02",
            "{id}: {fields}"
        );
        assert_eq!(fields["siret"]["value"], "48219376500013", "{id}: {fields}");
        assert!(
            d["extracted_text"]
                .as_str()
                .unwrap()
                .contains("F-2026-0042"),
            "{}",
            d["extracted_text"]
        );
    }
    // The text is searchable, and the analysis can run again.
    assert_eq!(
        app.get("/api/documents/?search=F-2026-0042", Some(&s.access))
            .await
            .body["count"],
        3
    );
    let again = app
        .send(
            "POST",
            &format!("/api/documents/{layer}/analyze/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(again.status, 202);
    assert_eq!(
        app.get(&format!("/api/documents/{layer}"), Some(&s.access))
            .await
            .body["analysis_status"],
        "pending"
    );
    assert_eq!(app.run_job("analyze_documents").await.items, 1);
    assert_eq!(
        app.get(&format!("/api/documents/{layer}"), Some(&s.access))
            .await
            .body["analysis_status"],
        "done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_files_fail_with_a_reason_and_a_crash_is_recovered() {
    let app = TestApp::spawn_with(&args(&[]), false).await;
    let s = app.user("broken@example.com").await;
    let mut truncated = fixture("invoice.jpg");
    truncated.truncate(400);
    let bad = upload(&app, &s.access, "cut.jpg", truncated).await;
    let corrupt = upload(
        &app,
        &s.access,
        "corrupt.pdf",
        b"%PDF-1.4\nthis is not a pdf at all".to_vec(),
    )
    .await;
    let ok = upload(&app, &s.access, "texte.pdf", fixture("invoice-text.pdf")).await;
    // As if the server had died while analysing it.
    app.state
        .db
        .write(move |tx| {
            tx.execute(
                "UPDATE documents SET analysis_status = 'processing' WHERE id = ?1",
                [ok],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let report = app.run_job("analyze_documents").await;
    assert_eq!(report.items, 3, "{report:?}");
    for id in [bad, corrupt] {
        let d = app
            .get(&format!("/api/documents/{id}"), Some(&s.access))
            .await
            .body;
        assert_eq!(d["analysis_status"], "failed", "{d}");
        assert!(d["analysis_error"].as_str().unwrap().len() > 5);
        assert_eq!(d["analysis_data"], json!({}));
    }
    assert_eq!(
        app.get(&format!("/api/documents/{ok}"), Some(&s.access))
            .await
            .body["analysis_status"],
        "done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ocr_images_fail_and_text_layers_still_work() {
    let app = TestApp::spawn_with(&args(&["--ocr", "off"]), false).await;
    let s = app.user("nocr@example.com").await;
    let image = upload(&app, &s.access, "facture.jpg", fixture("invoice.jpg")).await;
    let layer = upload(&app, &s.access, "texte.pdf", fixture("invoice-text.pdf")).await;
    app.run_job("analyze_documents").await;
    let d = app
        .get(&format!("/api/documents/{image}"), Some(&s.access))
        .await
        .body;
    assert_eq!(
        (d["analysis_status"].as_str(), d["analysis_error"].as_str()),
        (
            Some("failed"),
            Some("Text recognition is not available on this server.")
        )
    );
    assert_eq!(
        app.get(&format!("/api/documents/{layer}"), Some(&s.access))
            .await
            .body["analysis_status"],
        "done"
    );
    assert_eq!(
        app.get("/api/health/ocr/", None).await.body["ocr"],
        "disabled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turned_carte_grise_is_read_upright_and_suggests_a_vehicle() {
    let app = TestApp::spawn_with(&args(&[]), false).await;
    let s = app.user("cg@example.com").await;
    let id = upload(
        &app,
        &s.access,
        "carte-grise.jpg",
        fixture("registration-exif.jpg"),
    )
    .await;
    assert_eq!(app.run_job("analyze_documents").await.items, 1);
    let d = app
        .get(&format!("/api/documents/{id}"), Some(&s.access))
        .await
        .body;
    assert_eq!(d["document_type"], "registration", "{d}");
    let f = &d["analysis_data"]["fields"];
    assert_eq!(f["license_plate"]["value"], "FG-482-KL", "{f}");
    assert_eq!(f["vin"]["value"], "VF1RJA00X63123456", "{f}");
    assert_eq!(f["first_registration_date"]["value"], "2019-05-14", "{f}");
    assert_eq!(f["fiscal_power"]["value"], 5, "{f}");
    let v = &d["analysis_data"]["suggestion"]["vehicle"];
    assert_eq!(
        (
            v["make"].as_str(),
            v["model"].as_str(),
            v["year"].as_i64(),
            v["fuel_type"].as_str()
        ),
        (Some("RENAULT"), Some("CLIO"), Some(2019), Some("diesel")),
        "{v}"
    );
    // The suggestion is only a suggestion: nothing was created.
    assert_eq!(
        app.get("/api/vehicles/", Some(&s.access)).await.body["count"],
        0
    );
}

/// A PNG announcing 50,000 × 50,000 pixels (a valid header, then almost nothing).
fn huge_png() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    for (len, chunk) in [
        (13u32, ihdr),
        (2, [b"IDAT".as_slice(), &[0x78, 0x9C]].concat()),
        (0, b"IEND".to_vec()),
    ] {
        png.extend(len.to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    png
}

/// A one-page PDF whose content stream inflates to 64 MiB.
fn pdf_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![b' '; 64 * 1024 * 1024]).unwrap();
    let data = z.finish().unwrap();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        [
            format!(
                "<< /Length {} /Filter /FlateDecode >>\nstream\n",
                data.len()
            )
            .into_bytes(),
            data,
            b"\nendstream".to_vec(),
        ]
        .concat(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_pixels_and_pdf_bombs_fail_their_analysis() {
    let app = TestApp::spawn_with(&args(&[]), false).await;
    let s = app.user("bomb@example.com").await;
    let big = upload(&app, &s.access, "huge.png", huge_png()).await;
    let bomb = upload(&app, &s.access, "bomb.pdf", pdf_bomb()).await;
    assert_eq!(app.run_job("analyze_documents").await.items, 2);
    for (id, reason) in [
        (big, "Image too large to analyse."),
        (bomb, "The PDF is too large to analyse once decompressed."),
    ] {
        let d = app
            .get(&format!("/api/documents/{id}"), Some(&s.access))
            .await
            .body;
        assert_eq!(
            (d["analysis_status"].as_str(), d["analysis_error"].as_str()),
            (Some("failed"), Some(reason)),
            "{d}"
        );
    }
    assert_eq!(
        app.get("/api/health/", None).await.status,
        200,
        "the server is fine"
    );
}
