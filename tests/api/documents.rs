//! Documents: uploads checked by content, private storage and downloads, the analysis queue actions, limits.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::*;

const OFF: &[&str] = &["--otp-policy", "off"];
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9";
const WEBP: &[u8] = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
const DOC: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00";

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> Resp {
    let mut form = Form::new().part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str("application/octet-stream")
            .unwrap(),
    );
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    TestApp::read(
        app.client
            .post(format!("{}/api/documents/", app.base))
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

fn stored_files(app: &TestApp) -> usize {
    let dir = app.state.storage.documents_dir();
    walk(&dir)
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_type_uploads_and_downloads_to_its_owner_only() {
    let app = TestApp::spawn_with(OFF, false).await;
    let docx = crate::hostile::minimal_docx();
    let s = app.user("doc@example.com").await;
    let other = app.user("other@example.com").await;
    for (name, bytes, mime, status) in [
        ("scan.png", PNG, "image/png", json!("pending")),
        ("facture.pdf", PDF, "application/pdf", json!("pending")),
        ("photo.jpg", JPEG, "image/jpeg", json!("pending")),
        ("img.webp", WEBP, "image/webp", json!("pending")),
        ("anim.gif", GIF, "image/gif", json!("pending")),
        ("old.doc", DOC, "application/msword", Value::Null),
        (
            "new.docx",
            docx.as_slice(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Value::Null,
        ),
    ] {
        let r = upload(&app, &s.access, name, bytes, &[]).await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
        assert_eq!(
            (
                r.body["mime_type"].as_str(),
                r.body["analysis_status"].clone(),
                r.body["file_size"].as_u64()
            ),
            (Some(mime), status, Some(bytes.len() as u64)),
            "{name}"
        );
        assert_eq!(r.body["title"], name);
    }
    // The declared name and type mean nothing: a PNG called .pdf is a PNG.
    let r = upload(
        &app,
        &s.access,
        "../../../etc/passwd.pdf",
        PNG,
        &[
            ("title", "Carte grise"),
            ("document_type", "registration"),
            ("description", ""),
        ],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (
            r.body["mime_type"].as_str(),
            r.body["original_filename"].as_str(),
            r.body["title"].as_str()
        ),
        (Some("image/png"), Some("passwd.pdf"), Some("Carte grise"))
    );
    assert_eq!(
        (
            r.body["document_type"].as_str(),
            r.body["description"].clone(),
            r.body["is_analyzed"].as_bool()
        ),
        (Some("registration"), Value::Null, Some(false))
    );
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["file"], format!("/api/documents/{id}/download/"));
    assert_eq!(
        r.body["file_url"],
        format!("{}/api/documents/{id}/download/", app.base)
    );
    assert_eq!(stored_files(&app), 8);

    let dl = app
        .client
        .get(format!("{}/api/documents/{id}/download/", app.base))
        .bearer_auth(&s.access)
        .send()
        .await
        .unwrap();
    assert_eq!(dl.status(), 200);
    let h = dl.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["content-security-policy"], "sandbox");
    assert_eq!(h["cache-control"], "private, no-store");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf"
    );
    assert_eq!(dl.bytes().await.unwrap().as_ref(), PNG);
    let inline = app
        .client
        .get(format!(
            "{}/api/documents/{id}/download/?inline=true",
            app.base
        ))
        .bearer_auth(&s.access)
        .send()
        .await
        .unwrap();
    assert!(
        inline.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );

    for (method, path) in [
        ("GET", format!("/api/documents/{id}/")),
        ("GET", format!("/api/documents/{id}/download/")),
        ("PATCH", format!("/api/documents/{id}/")),
        ("DELETE", format!("/api/documents/{id}/")),
        ("POST", format!("/api/documents/{id}/analyze/")),
    ] {
        assert_eq!(
            app.send(method, &path, &other.access, Some(json!({"title": "x"})))
                .await
                .status,
            404,
            "{method} {path}"
        );
    }
    assert_eq!(
        app.get("/api/documents/", Some(&other.access)).await.body["count"],
        0
    );
    assert_eq!(
        app.get("/api/documents/", Some(&s.access)).await.body["count"],
        8
    );
    assert_eq!(
        app.get(
            "/api/documents/?document_type=registration",
            Some(&s.access)
        )
        .await
        .body["count"],
        1
    );
    assert_eq!(
        app.get("/api/documents/?search=carte", Some(&s.access))
            .await
            .body["count"],
        1
    );
    assert_eq!(
        app.get("/api/documents/?analysis_status=nope", Some(&s.access))
            .await
            .code(),
        "validation_error"
    );
    let stats = app.get("/api/documents/stats/", Some(&s.access)).await;
    assert_eq!(
        (
            stats.body["total_documents"].as_i64(),
            stats.body["unanalyzed"].as_i64()
        ),
        (Some(8), Some(8))
    );
    assert_eq!(
        app.get("/api/documents/by_type/?type=registration", Some(&s.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get("/api/documents/unanalyzed/", Some(&s.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        8
    );

    assert_eq!(
        app.send("DELETE", &format!("/api/documents/{id}/"), &s.access, None)
            .await
            .status,
        204
    );
    assert_eq!(stored_files(&app), 7, "the file went with its row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_uploads_store_nothing() {
    let app = TestApp::spawn_with(
        &["--otp-policy", "off", "--max-upload-bytes", "1000"],
        false,
    )
    .await;
    let s = app.user("bad@example.com").await;
    let r = upload(
        &app,
        &s.access,
        "fake.pdf",
        b"just some text pretending to be a PDF",
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["errors"]["file"][0],
        "File type not allowed. Allowed types: PDF, JPEG, PNG, WebP, GIF, DOC, DOCX."
    );
    let r = upload(&app, &s.access, "empty.png", b"", &[]).await;
    assert_eq!(r.body["errors"]["file"][0], "The submitted file is empty.");
    let big = [PNG, &[0u8; 2000][..]].concat();
    let r = upload(&app, &s.access, "big.png", &big, &[]).await;
    assert_eq!(
        (r.status, r.code()),
        (413, "payload_too_large"),
        "{}",
        r.text
    );
    assert!(
        r.body["errors"]["file"][0]
            .as_str()
            .unwrap()
            .starts_with("File size must not exceed")
    );
    let r = upload(
        &app,
        &s.access,
        "zip.zip",
        b"PK\x03\x04not a word file",
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    let r = upload(
        &app,
        &s.access,
        "ok.png",
        PNG,
        &[("vehicle", "99999"), ("document_type", "passport")],
    )
    .await;
    assert_eq!(
        r.body["errors"]["document_type"][0],
        "\"passport\" is not a valid choice."
    );
    let r = upload(&app, &s.access, "ok.png", PNG, &[("vehicle", "99999")]).await;
    assert_eq!(r.body["errors"]["vehicle"][0], "Vehicle not found.");
    let two = Form::new()
        .part("file", Part::bytes(PNG.to_vec()).file_name("a.png"))
        .part("file", Part::bytes(PNG.to_vec()).file_name("b.png"));
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/documents/", app.base))
            .bearer_auth(&s.access)
            .multipart(two),
    )
    .await;
    assert_eq!(r.status, 400);
    let none = Form::new().text("title", "no file");
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/documents/", app.base))
            .bearer_auth(&s.access)
            .multipart(none),
    )
    .await;
    assert_eq!(r.body["errors"]["file"][0], "This field is required.");
    let r = app
        .send(
            "POST",
            "/api/documents/",
            &s.access,
            Some(json!({"title": "json"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
    let r = TestApp::read(
        app.client
            .post(format!("{}/api/documents/", app.base))
            .bearer_auth(&s.access)
            .header("content-type", "multipart/form-data; boundary=x")
            .body("--x\r\ngarbage"),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(app.db_value("SELECT count(*) FROM documents"), 0);
    assert_eq!(
        stored_files(&app),
        0,
        "no file left behind, temporary ones included"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_replace_files_and_analysis_actions() {
    // No scheduled analysis: the statuses below are the ones these requests leave.
    let app = TestApp::spawn_with(
        &["--otp-policy", "off", "--job-analyze-documents", ""],
        false,
    )
    .await;
    let docx = crate::hostile::minimal_docx();
    let s = app.user("up@example.com").await;
    let v = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "Renault", "model": "Clio", "year": 2019})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let doc = upload(
        &app,
        &s.access,
        "facture.pdf",
        PDF,
        &[("vehicle", &v.to_string())],
    )
    .await;
    assert_eq!(doc.body["vehicle_info"]["model"], "Clio");
    let id = doc.body["id"].as_i64().unwrap();
    let r = app
        .send(
            "PATCH",
            &format!("/api/documents/{id}/"),
            &s.access,
            Some(json!({"title": "Facture garage", "document_type": "invoice", "vehicle": null})),
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.body["title"].as_str(),
            r.body["vehicle"].clone()
        ),
        (200, Some("Facture garage"), Value::Null)
    );
    let form = Form::new()
        .part("file", Part::bytes(PNG.to_vec()).file_name("scan.png"))
        .text("description", "rescanned");
    let r = TestApp::read(
        app.client
            .patch(format!("{}/api/documents/{id}/", app.base))
            .bearer_auth(&s.access)
            .multipart(form),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["mime_type"].as_str(),
            r.body["original_filename"].as_str(),
            r.body["description"].as_str()
        ),
        (Some("image/png"), Some("scan.png"), Some("rescanned"))
    );
    assert_eq!(stored_files(&app), 1, "the replaced file is gone");
    let huge = json!({"description": "x".repeat(1024 * 1024 + 10)});
    let r = app
        .send(
            "PATCH",
            &format!("/api/documents/{id}/"),
            &s.access,
            Some(huge),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (413, "payload_too_large"),
        "JSON keeps its 1 MiB limit on upload routes"
    );

    let a = app
        .send(
            "POST",
            &format!("/api/documents/{id}/analyze/"),
            &s.access,
            None,
        )
        .await;
    assert_eq!(a.status, 202, "{}", a.text);
    assert_eq!(a.body["document_id"], id);
    assert!(
        a.body["task_id"]
            .as_str()
            .unwrap()
            .starts_with(&format!("analysis-{id}-"))
    );
    let word = upload(&app, &s.access, "notes.docx", &docx, &[]).await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.send(
            "POST",
            &format!("/api/documents/{word}/analyze"),
            &s.access,
            None
        )
        .await
        .code(),
        "analysis_not_supported"
    );
    app.state
        .db
        .write(move |tx| {
            tx.execute(
                "UPDATE documents SET analysis_status = 'processing' WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(
        app.send(
            "POST",
            &format!("/api/documents/{id}/analyze"),
            &s.access,
            None
        )
        .await
        .code(),
        "analysis_in_progress"
    );
    let b = app
        .send(
            "POST",
            "/api/documents/batch_analyze/",
            &s.access,
            Some(json!({"document_ids": [id, word]})),
        )
        .await;
    assert_eq!(
        (
            b.status,
            b.body["document_count"].as_i64(),
            b.body["skipped"].clone()
        ),
        (202, Some(0), json!([id, word]))
    );
    for (body, msg) in [
        (json!({"document_ids": []}), "No document IDs provided."),
        (json!({}), "No document IDs provided."),
        (
            json!({"document_ids": [1, "x"]}),
            "A valid integer is required.",
        ),
        (
            json!({"document_ids": [999999]}),
            "Some documents not found or not accessible.",
        ),
    ] {
        let r = app
            .send(
                "POST",
                "/api/documents/batch_analyze/",
                &s.access,
                Some(body),
            )
            .await;
        assert_eq!(r.body["errors"]["document_ids"][0], msg);
    }
    let many: Vec<i64> = (1..=101).collect();
    assert_eq!(
        app.send(
            "POST",
            "/api/documents/batch_analyze/",
            &s.access,
            Some(json!({"document_ids": many}))
        )
        .await
        .code(),
        "validation_error"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_and_storage_limits_and_cleanups() {
    let app = TestApp::spawn_with(OFF, false).await;
    app.state
        .db
        .write(|tx| {
            tx.execute(
                "UPDATE plans SET limit_documents = 3, limit_storage_mb = 1 WHERE code = 'free'",
                [],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let s = app.user("lim@example.com").await;
    let big = [PNG, &vec![0u8; 700_000][..]].concat();
    assert_eq!(
        upload(&app, &s.access, "a.png", &big, &[]).await.status,
        201
    );
    let r = upload(&app, &s.access, "b.png", &big, &[]).await;
    assert_eq!(
        (
            r.status,
            r.code(),
            r.body["resource"].as_str(),
            r.body["limit_mb"].as_i64()
        ),
        (400, "plan_limit_reached", Some("storage"), Some(1)),
        "{}",
        r.text
    );
    assert_eq!(r.body["detail"], "Storage limit reached (1 MB).");
    assert_eq!(upload(&app, &s.access, "c.png", PNG, &[]).await.status, 201);
    assert_eq!(upload(&app, &s.access, "d.png", PNG, &[]).await.status, 201);
    let r = upload(&app, &s.access, "e.png", PNG, &[]).await;
    assert_eq!(
        (
            r.code(),
            r.body["resource"].as_str(),
            r.body["current"].as_i64()
        ),
        ("plan_limit_reached", Some("documents"), Some(3))
    );
    assert_eq!(stored_files(&app), 3, "refused uploads leave no file");
    let usage = app.get("/api/subscriptions/usage", Some(&s.access)).await;
    assert_eq!(usage.body["usage"]["documents"]["current"], 3.0);

    // Deleting a vehicle removes its documents' files; the clean-up job removes old orphans.
    let v = app
        .send(
            "POST",
            "/api/vehicles",
            &s.access,
            Some(json!({"make": "A", "model": "B", "year": 2020})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let first = app
        .get("/api/documents/?ordering=created_at", Some(&s.access))
        .await
        .body["results"][0]["id"]
        .as_i64()
        .unwrap();
    app.send(
        "PATCH",
        &format!("/api/documents/{first}"),
        &s.access,
        Some(json!({"vehicle": v})),
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/vehicles/{v}"), Some(&s.access))
            .await
            .body["documents_count"],
        1
    );
    assert_eq!(
        app.get(&format!("/api/vehicles/{v}/documents/"), Some(&s.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/vehicles/{v}"), &s.access, None)
            .await
            .status,
        204
    );
    assert_eq!(stored_files(&app), 2);
    let orphan = app
        .state
        .storage
        .documents_dir()
        .join("999")
        .join("0123456789abcdef0123456789abcdef");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"left over").unwrap();
    let fresh = app.run_job("cleanup_files").await;
    assert_eq!(fresh.items, 0, "too young to be removed");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&orphan)
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(app.run_job("cleanup_files").await.items, 1);
    assert!(!orphan.exists());
    assert_eq!(stored_files(&app), 2);
}
