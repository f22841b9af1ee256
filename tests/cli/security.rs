//! Findings of the outside security review (issue 9) that only show on the binary as a process: file modes, what
//! the logs say, the server's own memory under hostile uploads, a document that stops the server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{Server, run, stderr};

/// One raw HTTP/1.1 exchange with a binary body and extra headers.
fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("write");
    s.write_all(body).expect("write body");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    let out = String::from_utf8_lossy(&out).into_owned();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned(),
    )
}

fn json_body(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

/// Registers (the server runs with `--otp-policy off`) and returns the access token.
fn register(port: u16, email: &str) -> String {
    let body = format!(
        r#"{{"email":"{email}","password":"Correct-Horse-42","password_confirm":"Correct-Horse-42","first_name":"Priv","last_name":"Ate"}}"#
    );
    let (status, text) = exchange(
        port,
        "POST",
        "/api/users/register",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(status, 201, "{text}");
    json_body(&text)["tokens"]["access"]
        .as_str()
        .expect("token")
        .to_owned()
}

/// Uploads `bytes` as a document; returns its id.
fn upload(port: u16, token: &str, name: &str, bytes: &[u8]) -> i64 {
    let boundary = "autotrack-test-boundary-7d1f";
    let body = [
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes(),
        bytes.to_vec(),
        format!("\r\n--{boundary}--\r\n").into_bytes(),
    ]
    .concat();
    let auth = format!("Bearer {token}");
    let kind = format!("multipart/form-data; boundary={boundary}");
    let (status, text) = exchange(
        port,
        "POST",
        "/api/documents/",
        &[("Authorization", &auth), ("Content-Type", &kind)],
        &body,
    );
    assert_eq!(status, 201, "{text}");
    json_body(&text)["id"].as_i64().expect("id")
}

fn document(port: u16, token: &str, id: i64) -> serde_json::Value {
    let auth = format!("Bearer {token}");
    let (status, text) = exchange(
        port,
        "GET",
        &format!("/api/documents/{id}/"),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(status, 200, "{text}");
    json_body(&text)
}

/// Polls a document until `done(status)`, for at most `secs`.
fn wait_status(
    port: u16,
    token: &str,
    id: i64,
    secs: u64,
    done: impl Fn(&str) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let d = document(port, token, id);
        if done(d["analysis_status"].as_str().unwrap_or("")) {
            return d;
        }
        assert!(
            Instant::now() < deadline,
            "document {id} stayed {}",
            d["analysis_status"]
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

/// The data directory and everything the server writes are private to its user, an old install's open data
/// directory included; the logs carry no submitted address, not even as a plain hash.
#[test]
fn data_files_are_private_and_logs_name_no_address() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    // A relative data directory, as `./data` by default: the analysis worker still finds the file.
    let mut server = Server::start_logging(
        dir.path(),
        &["--otp-policy", "off", "--log", "info", "--data-dir", "data"],
        Stdio::from(log),
    );
    let email = "private.person@example.com";
    let token = register(server.port, email);
    let (status, _) = exchange(
        server.port,
        "POST",
        "/api/users/login",
        &[("Content-Type", "application/json")],
        format!(r#"{{"email":"{email}","password":"Wrong-Password-1"}}"#).as_bytes(),
    );
    assert_eq!(status, 401);
    let (status, _) = exchange(
        server.port,
        "POST",
        "/api/users/forgot-password",
        &[("Content-Type", "application/json")],
        format!(r#"{{"email":"{email}"}}"#).as_bytes(),
    );
    assert_eq!(status, 200);
    let id = upload(server.port, &token, "scan.png", &fixture("invoice.jpg"));
    assert!(id > 0);
    // Files as they are while the server runs (WAL and shared memory exist only then).
    assert_eq!(mode(&data), 0o700, "data directory");
    for name in [
        "autotrack.db",
        "autotrack.db-wal",
        "autotrack.db-shm",
        "jwt.key",
        "otp.key",
    ] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    let documents = data.join("documents");
    assert_eq!(mode(&documents), 0o700);
    for owner in std::fs::read_dir(&documents).unwrap() {
        let owner = owner.unwrap().path();
        assert_eq!(mode(&owner), 0o700, "{}", owner.display());
        for file in std::fs::read_dir(&owner).unwrap() {
            let file = file.unwrap().path();
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
    let d = wait_status(server.port, &token, id, 120, |s| {
        s == "done" || s == "failed"
    });
    assert_eq!(d["analysis_status"], "done", "{d}");
    assert!(server.terminate().success());
    let logs = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logs.contains("mail queued") && logs.contains("login failed"),
        "{logs}"
    );
    use sha2::Digest;
    let plain_hash = hex::encode(sha2::Sha256::digest(email.as_bytes()));
    for leak in ["private.person", &plain_hash[..16]] {
        assert!(!logs.contains(leak), "the logs contain {leak:?}");
    }
}

/// The analysis runs in a worker process under a memory limit: bombs in any PDF filter fail their analysis
/// without the server's own memory growing (before, the LZW bomb took the server past 1 GB).
#[test]
fn hostile_uploads_leave_the_server_small() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &["--otp-policy", "off", "--analysis-memory-mb", "512"],
    );
    let token = register(server.port, "bombs@example.com");
    let ids: Vec<i64> = [
        ("objstm.pdf", super::hostile::objstm_zlib_window_bomb(400)),
        ("lzw.pdf", super::hostile::lzw_bomb(1024)),
        ("a85.pdf", super::hostile::ascii85_flate_bomb(1024)),
        ("objstm-lzw.pdf", super::hostile::objstm_lzw_bomb(1024)),
    ]
    .iter()
    .map(|(name, bytes)| upload(server.port, &token, name, bytes))
    .collect();
    for id in ids {
        let d = wait_status(server.port, &token, id, 120, |s| {
            s == "failed" || s == "done"
        });
        assert_eq!(d["analysis_status"], "failed", "{d}");
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    assert!(
        peak_kb < 300 * 1024,
        "the server's peak RSS was {peak_kb} kB"
    );
    let (status, _) = exchange(server.port, "GET", "/api/health/", &[], b"");
    assert_eq!(status, 200);
}

/// Whether a process whose command line contains `needle` is running.
fn running(needle: &str) -> bool {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .any(|p| {
            std::fs::read(p.path().join("cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(needle))
                .unwrap_or(false)
        })
}

/// A document being analysed when the server dies twice is not claimed a third time: it fails with a reason (it
/// may be what stops the server). The worker dies with the server.
#[test]
fn a_document_cut_off_twice_by_a_dying_server_fails() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut token = String::new();
    let mut id = 0;
    // The row a killed server left `processing` looks the same until the next server recovers it (which
    // stamps `updated_at`) and claims it again.
    let mut left_at = serde_json::Value::Null;
    for round in 0..3 {
        let mut server = Server::start(dir.path(), &["--otp-policy", "off"]);
        if round == 0 {
            token = register(server.port, "crash@example.com");
            id = upload(server.port, &token, "invoice.jpg", &fixture("invoice.jpg"));
        }
        if round < 2 {
            // A claim runs at most 5 s after start, once the dead server's job lease (30 s) has lapsed.
            let deadline = Instant::now() + Duration::from_secs(90);
            loop {
                let d = document(server.port, &token, id);
                if d["analysis_status"] == "processing" && d["updated_at"] != left_at {
                    left_at = d["updated_at"].clone();
                    break;
                }
                assert!(Instant::now() < deadline, "not claimed again: {d}");
                std::thread::sleep(Duration::from_millis(100));
            }
            server.child.kill().unwrap();
            server.child.wait().unwrap();
            let worker = data.join("documents").to_string_lossy().into_owned();
            let deadline = Instant::now() + Duration::from_secs(5);
            while running(&worker) {
                assert!(Instant::now() < deadline, "the worker outlived its server");
                std::thread::sleep(Duration::from_millis(50));
            }
        } else {
            let d = wait_status(server.port, &token, id, 90, |s| {
                s == "failed" || s == "done"
            });
            assert_eq!(
                (d["analysis_status"].as_str(), d["analysis_error"].as_str()),
                (
                    Some("failed"),
                    Some("The analysis was interrupted twice; it will not be tried again.")
                ),
                "{d}"
            );
        }
    }
}

/// Bad origins stop the start with exit code 2 and the value named; `*` mixed with origins too.
#[test]
fn malformed_cors_origins_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for value in [
        "https://ok.example,not an origin",
        "*,https://ok.example",
        "ftp://files.example",
    ] {
        let out = run(dir.path(), &["migrate", "--cors-origins", value], None);
        assert_eq!(out.status.code(), Some(2), "{value}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("AUTOTRACK_CORS_ORIGINS"),
            "{}",
            stderr(&out)
        );
    }
    let ok = run(
        dir.path(),
        &[
            "migrate",
            "--cors-origins",
            "https://app.example.com/,http://localhost:5173",
        ],
        None,
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
}
