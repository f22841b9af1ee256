#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The binary as a process: commands, exit codes, output, and a graceful stop with a request in flight.

#[path = "common/smtp.rs"]
mod smtp;

#[path = "common/hostile.rs"]
mod hostile;

#[path = "cli/security.rs"]
mod security;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_autotrack");

fn autotrack(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .args(args)
        .env("AUTOTRACK_LOG_FORMAT", "json")
        .env("AUTOTRACK_DATA_DIR", dir.join("data"));
    c
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = autotrack(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A directory holding an installation (`migrate` made it), as admin commands need.
fn installed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["migrate"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

/// A running `serve` process on a free port, stopped with SIGTERM.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        Server::start_logging(dir, extra, Stdio::null())
    }

    /// `serve` with its logs (stderr) sent to `logs`.
    fn start_logging(dir: &Path, extra: &[&str], logs: Stdio) -> Server {
        let port = smtp::free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut args = vec!["serve", "--listen", &listen];
        args.extend_from_slice(extra);
        let child = autotrack(dir, &args)
            .stdout(Stdio::null())
            .stderr(logs)
            .spawn()
            .expect("spawn serve");
        let s = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "serve did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One raw HTTP/1.1 exchange.
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
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

#[test]
fn migrate_reports_what_it_applied() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["migrate"], None);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("applied V1__accounts_and_platform"),
        "{}",
        stdout(&first)
    );
    let second = run(dir.path(), &["migrate"], None);
    assert!(stdout(&second).contains("is up to date"));
    assert!(dir.path().join("data/autotrack.db").exists());
}

/// Processes migrating one new database at the same moment: one applies each migration, the others wait for it
/// and find nothing left (without the lock they both applied V1, and one failed on "table already exists").
#[test]
fn migrations_started_together_apply_once() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let children: Vec<Child> = (0..4)
            .map(|_| {
                autotrack(dir.path(), &["migrate"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut applied = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            applied += stdout(&out).matches("applied V1__").count();
        }
        assert_eq!(applied, 1);
        // The keys generated on the way are one per file, whole.
        for key in ["jwt.key", "otp.key"] {
            let text = std::fs::read_to_string(dir.path().join("data").join(key)).unwrap();
            assert_eq!(text.trim().len(), 64, "{key}: {text:?}");
        }
        let names: Vec<String> = std::fs::read_dir(dir.path().join("data"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("draft")), "{names:?}");
    }
}

#[test]
fn zero_config_serve_creates_its_data_dir_and_secret_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = smtp::free_port();
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .args(["serve"])
        .env("AUTOTRACK_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, body) = http(port, "GET", "/api/health/", "");
    assert_eq!(status, 200, "{body}");
    let key = dir.path().join("data/jwt.key");
    assert!(key.exists() && dir.path().join("data/autotrack.db").exists());
    assert_eq!(
        std::fs::read_to_string(&key).unwrap().trim().len(),
        64,
        "32 random bytes, hex"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let mut server = Server {
        child: std::mem::replace(&mut child, Command::new("true").spawn().unwrap()),
        port,
    };
    assert!(server.terminate().success());
    let _ = child.wait();
}

#[test]
fn create_user_then_sign_in_and_healthcheck() {
    let dir = installed();
    let weak = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "boss@example.com",
            "--password-stdin",
        ],
        Some("1234\n"),
    );
    assert!(!weak.status.success());
    assert!(
        stderr(&weak).contains("This password is too short"),
        "{}",
        stderr(&weak)
    );
    let made = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "Boss@Example.com",
            "--admin",
            "--first-name",
            "Ada",
            "--password-stdin",
        ],
        Some("Admin-Password-1\n"),
    );
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stdout(&made).contains("created admin boss@example.com"));
    let pw_file = dir.path().join("pw.txt");
    std::fs::write(&pw_file, "Second-Password-2\n").unwrap();
    let again = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "boss@example.com",
            "--password-file",
            pw_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        stdout(&again).contains("updated boss@example.com"),
        "{}",
        stdout(&again)
    );

    let mut server = Server::start(dir.path(), &["--otp-policy", "off"]);
    let (status, body) = http(
        server.port,
        "POST",
        "/api/auth/login",
        r#"{"email":"boss@example.com","password":"Second-Password-2"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (
            v["user"]["is_staff"].as_bool(),
            v["user"]["email_verified"].as_bool()
        ),
        (Some(true), Some(true))
    );

    let check = run(dir.path(), &["healthcheck", "--url", &server.url()], None);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains("\"healthy\""));
    assert!(server.terminate().success());
    let down = run(dir.path(), &["healthcheck", "--url", &server.url()], None);
    assert!(!down.status.success());
}

#[test]
fn healthcheck_asks_where_serve_listens_and_names_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    // The setting as an operator writes it once, for `serve` and the admin commands alike.
    std::fs::write(
        dir.path().join(".env"),
        format!("AUTOTRACK_LISTEN=127.0.0.1:{}\n", server.port),
    )
    .unwrap();
    let check = run(dir.path(), &["healthcheck"], None);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(server.terminate().success());
    let down = run(dir.path(), &["healthcheck"], None);
    assert!(!down.status.success());
    let tried = format!("http://127.0.0.1:{}/api/health/", server.port);
    assert!(stderr(&down).contains(&tried), "{}", stderr(&down));
}

#[test]
fn an_invitation_from_the_cli_registers_its_address_once() {
    let dir = installed();
    let made = run(
        dir.path(),
        &[
            "invite",
            "create",
            "--email",
            "Lea@Example.com",
            "--days",
            "3",
        ],
        None,
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let out = stdout(&made);
    assert!(
        out.starts_with("invitation for lea@example.com, valid until "),
        "{out}"
    );
    let code = out.lines().nth(1).unwrap().trim().to_owned();
    assert_eq!(code.len(), 43);
    let mut server = Server::start(dir.path(), &["--signups", "invite", "--otp-policy", "off"]);
    let body = |email: &str| {
        format!(
            r#"{{"email":"{email}","password":"Lea-Password-1","password_confirm":"Lea-Password-1","first_name":"Léa","last_name":"Roux","invite_code":"{code}"}}"#
        )
    };
    let port = server.port;
    let register = |email: &str| http(port, "POST", "/api/users/register", &body(email));
    let (status, text) = register("tom@example.com");
    assert_eq!(status, 403, "{text}");
    let (status, text) = register("lea@example.com");
    assert_eq!(status, 201, "{text}");
    let (status, _) = register("lea@example.com");
    assert_eq!(status, 403);
    assert!(server.terminate().success());
}

#[test]
fn a_bad_env_line_or_an_unknown_setting_stops_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    // A lenient reader dropped every line after the bad one, so the server came up on the default address.
    std::fs::write(
        &env,
        "AUTOTRACK_OCR=off\nthis line has no equals sign\nAUTOTRACK_LISTEN=127.0.0.1:9\n",
    )
    .unwrap();
    let out = run(dir.path(), &["migrate"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(".env, line 2: expected NAME=value"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("data").exists(), "nothing was created");

    std::fs::write(&env, "# mine\nAUTOTRACK_LISTN=127.0.0.1:9\n").unwrap();
    let out = run(dir.path(), &["migrate"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".env, line 2: AUTOTRACK_LISTN is not a setting of AutoTrack: did you mean AUTOTRACK_LISTEN?"),
        "{}",
        stderr(&out)
    );

    std::fs::remove_file(&env).unwrap();
    let out = autotrack(dir.path(), &["migrate"])
        .env("AUTOTRACK_OTP_POLCY", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("environment variable AUTOTRACK_OTP_POLCY is not a setting of AutoTrack: did you mean AUTOTRACK_OTP_POLICY?"),
        "{}",
        stderr(&out)
    );
    // A good file is read, and the environment wins over it.
    std::fs::write(
        &env,
        "export AUTOTRACK_DB_SYNCHRONOUS=normal\nAUTOTRACK_DATA_DIR=\"elsewhere\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["migrate"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("data/autotrack.db").exists());
    assert!(!dir.path().join("elsewhere").exists());

    // A bad value names what the user wrote, not the flag it stands for.
    std::fs::write(&env, "\nAUTOTRACK_LISTEN=localhost:18603\n").unwrap();
    let out = run(dir.path(), &["migrate"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("invalid value 'localhost:18603' for AUTOTRACK_LISTEN (.env, line 2)"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&env, "AUTOTRACK_PUBLIC_URL=autotrack.example.com\n").unwrap();
    let out = run(dir.path(), &["migrate"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "AUTOTRACK_PUBLIC_URL: \"autotrack.example.com\" is not an absolute http(s) URL"
        ),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&env).unwrap();
    let out = run(
        dir.path(),
        &["create-user", "--email", "a@example.com"],
        None,
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--password-stdin"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn admin_commands_never_create_an_installation_and_serve_runs_once_per_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "boss@example.com",
            "--password-stdin",
        ],
        Some("Admin-Password-1\n"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let data = dir.path().join("data");
    assert!(
        stderr(&out).contains(&format!("no AutoTrack installation in {}", data.display())),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("autotrack migrate"));
    assert!(!data.exists(), "nothing was created");
    for args in [
        &["run-jobs"][..],
        &["seed-demo"],
        &["invite", "create", "--email", "a@example.com"],
    ] {
        let out = run(dir.path(), args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    assert!(!data.exists());

    let mut first = Server::start(dir.path(), &[]);
    // Listening comes before the migrations end: the first answer says the server is up.
    http(first.port, "GET", "/api/health/", "");
    let second = autotrack(dir.path(), &["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(
        stderr(&second).contains(&format!(
            "another `autotrack serve` (pid {}) is running on the data directory {}",
            first.child.id(),
            data.display()
        )),
        "{}",
        stderr(&second)
    );
    // Admin commands still run beside the server.
    let out = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "boss@example.com",
            "--password-stdin",
        ],
        Some("Admin-Password-1\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(first.terminate().success());
    // The lock goes with the process.
    let mut again = Server::start(dir.path(), &[]);
    http(again.port, "GET", "/api/health/", "");
    assert!(again.terminate().success());
}

#[test]
fn config_check_shows_each_value_and_where_it_came_from() {
    let dir = installed();
    std::fs::write(
        dir.path().join(".env"),
        "AUTOTRACK_SITE_NAME=\"Garage Dupont\"\nAUTOTRACK_SMTP_PASSWORD=hunter2-secret\n",
    )
    .unwrap();
    let out = autotrack(dir.path(), &["config", "check", "--otp-policy", "off"])
        .env("AUTOTRACK_SIGNUPS", "closed")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "AUTOTRACK_SITE_NAME=Garage Dupont  # .env, line 1",
        "AUTOTRACK_SMTP_PASSWORD=******** (secret)  # .env, line 2",
        "AUTOTRACK_OTP_POLICY=off  # flag",
        "AUTOTRACK_SIGNUPS=closed  # environment",
        "AUTOTRACK_RATE_LOGIN=10/min  # default",
        "AUTOTRACK_PUBLIC_URL=(unset)  # default",
        "# settings OK",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(!text.contains("hunter2"));
    // A bad value fails the check as it would fail the start.
    let bad = run(
        dir.path(),
        &["config", "check", "--rate-login", "ten/min"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("AUTOTRACK_RATE_LOGIN"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn seed_demo_says_how_to_sign_in_on_this_installation() {
    let dir = installed();
    let out = run(dir.path(), &["seed-demo"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("demo account: demo@autotrack.example / "),
        "{text}"
    );
    assert!(
        text.contains("sign in at http://127.0.0.1:8080/api/auth/login"),
        "{text}"
    );
    assert!(
        text.contains("`autotrack outbox show --to demo@autotrack.example`"),
        "{text}"
    );
    let again = run(dir.path(), &["seed-demo", "--otp-policy", "off"], None);
    assert!(!again.status.success(), "it refuses to run twice");
}

#[test]
fn sigterm_finishes_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    // Send the headers and half the body, then ask the server to stop, then finish the request.
    let body = r#"{"email": "late@example.com", "password": "whatever-1"}"#;
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "POST /api/users/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body.as_bytes()[..10]).unwrap();
    // Time for the server to read the headers (a connection whose request has not begun counts as idle and is
    // closed at shutdown); 200 ms was too short on a loaded 2-core machine.
    std::thread::sleep(Duration::from_millis(800));
    Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    s.write_all(&body.as_bytes()[10..]).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
    assert!(out.contains("invalid_credentials"));
    assert!(server.terminate().success());
}

#[test]
fn run_jobs_prints_a_line_per_job() {
    let dir = installed();
    let all = run(dir.path(), &["run-jobs"], None);
    assert!(all.status.success(), "{}", stderr(&all));
    let lines: Vec<serde_json::Value> = stdout(&all)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let jobs = autotrack::scheduler::JOBS.len();
    assert_eq!(lines.len(), jobs);
    assert!(
        lines
            .iter()
            .all(|l| l["status"] == "succeeded" && l["duration_ms"].is_number())
    );
    assert!(stderr(&all).contains(&format!("{jobs} jobs: {jobs} ok, 0 failed")));
    let one = run(dir.path(), &["run-jobs", "--job", "cleanup_auth"], None);
    assert_eq!(stdout(&one).lines().count(), 1);
    let unknown = run(dir.path(), &["run-jobs", "--job", "nope"], None);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("unknown job"));
}

#[test]
fn send_test_email_reaches_the_smtp_server() {
    let dir = installed();
    let smtp = smtp::SmtpServer::start();
    let port = smtp.port.to_string();
    let out = run(
        dir.path(),
        &[
            "send-test-email",
            "--to",
            "ops@example.com",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--smtp-security",
            "none",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("server answered: 250"),
        "{}",
        stdout(&out)
    );
    let got = smtp.messages_to("ops@example.com");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].subject, "AutoTrack test message");
    assert_eq!(got[0].from, "noreply@localhost");
    let none = run(
        dir.path(),
        &["send-test-email", "--to", "ops@example.com"],
        None,
    );
    assert!(!none.status.success());
    assert!(stderr(&none).contains("SMTP is not configured"));
    // The default security (STARTTLS) against a server without it: the error says which setting to look at.
    let tls = run(
        dir.path(),
        &[
            "send-test-email",
            "--to",
            "ops@example.com",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
        ],
        None,
    );
    assert!(!tls.status.success());
    assert!(
        stderr(&tls).contains(&format!(
            "SMTP server 127.0.0.1:{port} with AUTOTRACK_SMTP_SECURITY=starttls (check AUTOTRACK_SMTP_SECURITY"
        )),
        "{}",
        stderr(&tls)
    );
}

#[test]
fn openapi_prints_the_document_and_bad_settings_fail_fast() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["openapi"], None);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["paths"]["/api/auth/login"]["post"].is_object());
    let bad = run(dir.path(), &["migrate", "--jwt-secret", "short"], None);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("AUTOTRACK_JWT_SECRET is 5 bytes long; it must be at least 32"),
        "{}",
        stderr(&bad)
    );
    let key_file = dir.path().join("jwt.txt");
    std::fs::write(&key_file, "too-short\n").unwrap();
    let from_file = Command::new(BIN)
        .current_dir(dir.path())
        .args(["migrate"])
        .env("AUTOTRACK_JWT_SECRET_FILE", &key_file)
        .output()
        .unwrap();
    assert!(
        stderr(&from_file).contains(&format!(
            "AUTOTRACK_JWT_SECRET (read from AUTOTRACK_JWT_SECRET_FILE={}) is 9 bytes long",
            key_file.display()
        )),
        "{}",
        stderr(&from_file)
    );
    let both = Command::new(BIN)
        .current_dir(dir.path())
        .args(["migrate"])
        .env("AUTOTRACK_JWT_SECRET", "x".repeat(40))
        .env("AUTOTRACK_JWT_SECRET_FILE", "/dev/null")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&both.stderr).contains("both set"));
    // Settings that name domain things are checked at start-up, before any work.
    assert!(run(dir.path(), &["migrate"], None).status.success());
    let plan = run(dir.path(), &["run-jobs", "--default-plan", "gold"], None);
    assert!(!plan.status.success());
    assert!(
        stderr(&plan).contains("AUTOTRACK_DEFAULT_PLAN \"gold\" is not a plan"),
        "{}",
        stderr(&plan)
    );
    let cron = Command::new(BIN)
        .current_dir(dir.path())
        .args(["run-jobs"])
        .env("AUTOTRACK_JOB_PRUNE_LOGS", "every day")
        .output()
        .unwrap();
    let cron_err = String::from_utf8_lossy(&cron.stderr);
    assert!(!cron.status.success());
    assert!(cron_err.contains("AUTOTRACK_JOB_PRUNE_LOGS"), "{cron_err}");
}

/// `GET path` with a bearer token; returns the status.
fn get_with_token(port: u16, path: &str, token: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// The server remembers token checks until its next write or for 2 s: a password reset by `create-user` from
/// another process revokes the old tokens within that time.
#[test]
fn create_user_beside_a_running_server_revokes_old_tokens() {
    let dir = installed();
    let set = |password: &str| {
        let out = run(
            dir.path(),
            &[
                "create-user",
                "--email",
                "ops@example.com",
                "--password-stdin",
            ],
            Some(&format!("{password}\n")),
        );
        assert!(out.status.success(), "{}", stderr(&out));
    };
    set("First-Password-1");
    // No scheduled job may write meanwhile: any write of the server's own forgets what it remembered.
    let job_flags: Vec<String> = [
        "deliver-mail",
        "maintenance-reminders",
        "cleanup-auth",
        "cleanup-notifications",
        "cleanup-files",
        "analyze-documents",
        "prune-logs",
        "health-probe",
    ]
    .iter()
    .map(|job| format!("--job-{job}"))
    .collect();
    let mut flags = vec!["--otp-policy", "off"];
    for flag in &job_flags {
        flags.extend([flag.as_str(), ""]);
    }
    let server = Server::start(dir.path(), &flags);
    let (status, body) = http(
        server.port,
        "POST",
        "/api/auth/login",
        r#"{"email":"ops@example.com","password":"First-Password-1"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = v["tokens"]["access"].as_str().unwrap().to_owned();
    // The second answer may come from the remembered check.
    for _ in 0..2 {
        assert_eq!(get_with_token(server.port, "/api/users/me", &token), 200);
    }
    set("Second-Password-2");
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(get_with_token(server.port, "/api/users/me", &token), 401);
}

/// Without SMTP, under the default policy (a code at every login): the answer says the code was not mailed, the
/// server's log says where it waits but never holds it, and `outbox show` gives the operator the code.
#[test]
fn first_login_without_smtp_reads_the_code_from_the_outbox() {
    let dir = installed();
    let made = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "ada@example.com",
            "--password-stdin",
        ],
        Some("Quick-Start-Pass-1\n"),
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = Server::start_logging(dir.path(), &[], Stdio::from(log));
    let (status, body) = http(
        server.port,
        "POST",
        "/api/auth/login",
        r#"{"email":"Ada@Example.com","password":"Quick-Start-Pass-1"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["otp_required"], true, "{body}");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.contains("cannot send mail") && !detail.contains("sent to"),
        "{detail}"
    );

    let listed = run(dir.path(), &["outbox", "list"], None);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let lines = stdout(&listed);
    assert!(
        lines.contains("pending") && lines.contains("otp") && lines.contains("ada@example.com"),
        "{lines}"
    );
    let none = run(
        dir.path(),
        &["outbox", "list", "--to", "nobody@example.com"],
        None,
    );
    assert!(
        stdout(&none).contains("no mail is waiting"),
        "{}",
        stdout(&none)
    );

    let shown = run(
        dir.path(),
        &["outbox", "show", "--to", "ADA@example.com"],
        None,
    );
    assert!(shown.status.success(), "{}", stderr(&shown));
    let text = stdout(&shown);
    assert!(text.contains("To: ada@example.com"), "{text}");
    let code = text
        .lines()
        .map(str::trim)
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no 6-digit code in {text}"))
        .to_owned();
    let (status, body) = http(
        server.port,
        "POST",
        "/api/auth/verify-otp",
        &format!(r#"{{"email":"ada@example.com","otp_code":"{code}"}}"#),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"access\""), "{body}");

    let missing = run(dir.path(), &["outbox", "show", "999999"], None);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no mail #999999 in the outbox"),
        "{}",
        stderr(&missing)
    );

    assert!(server.terminate().success());
    let logs = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logs.contains("SMTP is not configured (AUTOTRACK_SMTP_HOST)"),
        "{logs}"
    );
    assert!(!logs.contains(&code), "the code reached the log: {logs}");
}

/// A database the process may not write stops every command at once, naming the file, rather than failing each
/// write later with "attempt to write a readonly database".
#[test]
fn a_read_only_database_is_named_at_start() {
    let dir = installed();
    let db = dir.path().join("data/autotrack.db");
    // Root writes whatever the mode says: the immutable attribute is what stops it.
    let root = stdout(&Command::new("id").arg("-u").output().unwrap()).trim() == "0";
    let locked = if root {
        Command::new("chattr")
            .arg("+i")
            .arg(&db)
            .status()
            .is_ok_and(|s| s.success())
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).is_ok()
    };
    if !locked {
        eprintln!(
            "skipped: this file system cannot make {} read-only",
            db.display()
        );
        return;
    }
    let made = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "ro@example.com",
            "--password-stdin",
        ],
        Some("Read-Only-Pass-1\n"),
    );
    let served = autotrack(dir.path(), &["serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if root {
        Command::new("chattr").arg("-i").arg(&db).status().unwrap();
    }
    let absolute = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("data/autotrack.db");
    for out in [made, served] {
        assert!(!out.status.success());
        let text = stderr(&out);
        assert!(
            text.contains(&format!("the database {} is read-only", absolute.display())),
            "{text}"
        );
    }
}

/// Runs a command that must fail, with `text` in its error output.
fn fails_saying(dir: &Path, args: &[&str], text: &str) {
    let out = run(dir, args, None);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(stderr(&out).contains(text), "{args:?}: {}", stderr(&out));
}

/// An operator without Stripe lists the plans, sets a plan's Stripe price and gives a user a plan.
#[test]
fn plans_and_set_plan_from_the_command_line() {
    let dir = installed();
    let made = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "ada@example.com",
            "--password-stdin",
        ],
        Some("Plan-Test-Pass-1\n"),
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let list = stdout(&run(dir.path(), &["plans", "list"], None));
    for word in ["free", "standard", "premium", "active*", "9.99 EUR"] {
        assert!(list.contains(word), "{word}: {list}");
    }

    let priced = run(
        dir.path(),
        &["plans", "set-price", "standard", "price_std_monthly"],
        None,
    );
    assert!(priced.status.success(), "{}", stderr(&priced));
    assert!(
        stdout(&priced).contains("plan standard is now sold at the Stripe price price_std_monthly")
    );
    fails_saying(
        dir.path(),
        &["plans", "set-price", "premium", "prod_123"],
        "stripe_price_id: A Stripe price id starts with price_.",
    );
    fails_saying(
        dir.path(),
        &["plans", "set-price", "premium", "price_std_monthly"],
        "Another plan already uses this Stripe price",
    );
    fails_saying(
        dir.path(),
        &["plans", "set-price", "gold", "price_gold"],
        "no plan \"gold\"",
    );

    let set = run(
        dir.path(),
        &[
            "user",
            "set-plan",
            "Ada@Example.com",
            "premium",
            "--until",
            "2099-01-31",
        ],
        None,
    );
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(
        stdout(&set).contains("ada@example.com is on the premium plan"),
        "{}",
        stdout(&set)
    );
    let list = stdout(&run(dir.path(), &["plans", "list"], None));
    let premium = list.lines().find(|l| l.starts_with("premium")).unwrap();
    assert!(premium.trim_end().ends_with(" 1"), "one subscriber: {list}");
    let free = list.lines().find(|l| l.starts_with("free")).unwrap();
    assert!(
        free.trim_end().ends_with(" 0"),
        "the free one was superseded: {list}"
    );

    fails_saying(
        dir.path(),
        &["user", "set-plan", "nobody@example.com", "premium"],
        "no user nobody@example.com",
    );
    fails_saying(
        dir.path(),
        &["user", "set-plan", "ada@example.com", "gold"],
        "no plan \"gold\"",
    );
    fails_saying(
        dir.path(),
        &[
            "user",
            "set-plan",
            "ada@example.com",
            "standard",
            "--until",
            "2001-01-01",
        ],
        "--until is in the past",
    );
}

/// `events retry` processes again a Stripe event that failed, and says what became of it.
#[test]
fn events_retry_reprocesses_failed_stripe_events() {
    let dir = installed();
    let made = run(
        dir.path(),
        &[
            "create-user",
            "--email",
            "ada@example.com",
            "--password-stdin",
        ],
        Some("Events-Test-Pass-1\n"),
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let db = rusqlite::Connection::open(dir.path().join("data/autotrack.db")).unwrap();
    db.execute_batch("CREATE TRIGGER no_history BEFORE INSERT ON subscription_history BEGIN SELECT RAISE(ABORT, 'history refused'); END;")
        .unwrap();
    let mut server = Server::start(dir.path(), &["--stripe-webhook-secret", "whsec_cli"]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body = serde_json::json!({"id": "evt_cli", "type": "customer.subscription.created", "created": now,
        "livemode": false, "data": {"object": {"id": "sub_cli", "customer": "cus_cli", "status": "active",
        "cancel_at_period_end": false, "metadata": {"user_id": "1", "plan_code": "premium"},
        "items": {"data": [{"id": "si_1", "price": {"id": "price_unknown"}}]}}}})
    .to_string();
    let signature = autotrack::billing::signature::sign(body.as_bytes(), "whsec_cli", now);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "POST /api/stripe/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");

    let still = run(dir.path(), &["events", "retry"], None);
    assert!(!still.status.success());
    assert!(
        stdout(&still).contains("evt_cli customer.subscription.created: failed")
            && stdout(&still).contains("history refused"),
        "{}",
        stdout(&still)
    );
    db.execute_batch("DROP TRIGGER no_history;").unwrap();
    let done = run(dir.path(), &["events", "retry"], None);
    assert!(done.status.success(), "{}{}", stdout(&done), stderr(&done));
    assert!(
        stdout(&done).contains("evt_cli customer.subscription.created: processed"),
        "{}",
        stdout(&done)
    );
    let nothing = run(dir.path(), &["events", "retry"], None);
    assert!(
        stdout(&nothing).contains("every Stripe event is processed"),
        "{}",
        stdout(&nothing)
    );
    let plan: String = db
        .query_row(
            "SELECT plan_code FROM subscriptions WHERE stripe_subscription_id = 'sub_cli'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(plan, "premium");
    assert!(server.terminate().success());
}
