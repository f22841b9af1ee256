//! The upload parser: `documents::upload::read`, the step `POST /api/documents` runs on its body (multipart
//! framing by multer, text fields, one file part streamed to a temporary file under a size limit, then the type
//! decided by magic bytes). The fuzz input is the whole request body under a fixed boundary.
//!
//! Checked on every input: no panic; a refusal is a 400 or 413 (never a 500); an accepted file is 1..=limit bytes,
//! written whole, of the type its bytes say, with a sanitised name; and no temporary file outlives the call.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use autotrack::documents::storage::{Storage, sniff};
use autotrack::documents::upload;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{Request, StatusCode, header};
use libfuzzer_sys::fuzz_target;

/// The boundary of the seeds and the dictionary.
const CONTENT_TYPE: &str = "multipart/form-data; boundary=AutoTrackFuzzBoundary";
/// A small file limit, so that inputs reach the too-large path too.
const MAX_FILE: u64 = 1024;

struct Env {
    runtime: tokio::runtime::Runtime,
    data_dir: PathBuf,
    storage: Storage,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        // Every run writes and removes a temporary file: on tmpfs when there is one. One directory per process
        // (libFuzzer's -fork/-jobs run several).
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let data_dir = base.join(format!("autotrack-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        std::fs::create_dir_all(&data_dir).expect("fuzz data directory");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("tokio runtime");
        Env {
            runtime,
            storage: Storage::new(&data_dir),
            data_dir,
        }
    })
}

fuzz_target!(|body: &[u8]| {
    let env = env();
    env.runtime.block_on(async {
        let request = Request::builder()
            .method("POST")
            .uri("/api/documents")
            .header(header::CONTENT_TYPE, CONTENT_TYPE)
            .body(Body::from(body.to_vec()))
            .expect("request");
        // The extractor only checks the content type here; the body is parsed while `read` pulls the parts.
        let multipart = Multipart::from_request(request, &())
            .await
            .expect("multipart content type");
        match upload::read(multipart, &env.storage, MAX_FILE).await {
            Ok(upload) => {
                for value in upload.fields.values() {
                    assert!(value.len() <= 64 * 1024);
                }
                if let Some(file) = &upload.file {
                    let size = u64::try_from(file.size).expect("size");
                    assert!((1..=MAX_FILE).contains(&size), "size {size}");
                    let written = std::fs::read(&file.temp).expect("temporary file");
                    assert_eq!(written.len() as u64, size, "file written whole");
                    let kind = sniff(&written[..written.len().min(16)], || written.clone());
                    assert_eq!(kind, Some(file.kind), "type from the bytes");
                    assert!(
                        !file.name.is_empty()
                            && !file.name.contains(['/', '\\'])
                            && file.name.len() <= 255
                    );
                }
                upload.discard().await;
            }
            Err(e) => assert!(
                matches!(
                    e.status,
                    StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE
                ),
                "unexpected {} {}",
                e.status,
                e.code
            ),
        }
    });
    let tmp = env.data_dir.join("documents").join("tmp");
    let left = std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "temporary files left in {}", tmp.display());
});
