//! `TestApp`: the real application on 127.0.0.1:0 with its own temp data dir and (by default) a real SMTP server.

use std::time::Duration;

use autotrack::app::{self, AppState};
use autotrack::config::{Config, Settings};
use clap::Parser;
use reqwest::Method;
use serde_json::{Value, json};

pub use crate::smtp::{ReceivedMail, SmtpServer, otp_code, reset_token};

pub const PASSWORD: &str = "Correct-Horse-42";

/// Flags that turn the server's own job schedules off, for tests that run jobs themselves.
pub const NO_SCHEDULES: &[&str] = &[
    "--job-deliver-mail",
    "",
    "--job-maintenance-reminders",
    "",
    "--job-expire-subscriptions",
    "",
    "--job-renewal-reminders",
    "",
    "--job-stripe-reconcile",
    "",
    "--job-cleanup-auth",
    "",
    "--job-cleanup-notifications",
    "",
    "--job-cleanup-files",
    "",
    "--job-analyze-documents",
    "",
    "--job-prune-logs",
    "",
    "--job-health-probe",
    "",
];

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    settings: Settings,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub smtp: Option<SmtpServer>,
    _data_dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

/// Tokens of a signed-in test user.
#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: i64,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    /// The app with default settings and a real SMTP server.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(&[], true).await
    }

    /// The app with extra `serve` flags; `smtp` starts a real SMTP server and points the app at it.
    pub async fn spawn_with(extra: &[&str], smtp: bool) -> TestApp {
        let smtp = smtp.then(SmtpServer::start);
        let data_dir = tempfile::tempdir().expect("tempdir");
        // Private, as the server makes it (it warns about, and closes, an open one).
        std::fs::set_permissions(
            data_dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("chmod");
        let dir = data_dir.path().to_string_lossy().into_owned();
        let mut args: Vec<String> = vec![
            "autotrack".into(),
            "--data-dir".into(),
            dir,
            "--listen".into(),
            "127.0.0.1:0".into(),
        ];
        if let Some(s) = &smtp {
            args.extend(["--smtp-host", "127.0.0.1", "--smtp-security", "none"].map(String::from));
            args.extend(["--smtp-port".to_owned(), s.port.to_string()]);
        }
        args.extend(
            [
                "--frontend-url",
                "http://app.test",
                "--db-synchronous",
                "normal",
            ]
            .map(String::from),
        );
        args.extend(extra.iter().map(|s| s.to_string()));
        let settings = Wrapper::try_parse_from(args)
            .expect("test settings")
            .settings;
        autotrack::telemetry::init("warn", None);
        let mut config = Config::load(&settings).expect("config");
        // Documents are analysed by the real binary's worker (this test process is not that binary).
        config.analysis_worker = env!("CARGO_BIN_EXE_autotrack").into();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::build(config, addr).expect("state");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(app::serve(state.clone(), listener, async move {
            let _ = rx.await;
        }));
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            state,
            smtp,
            _data_dir: data_dir,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn smtp(&self) -> &SmtpServer {
        self.smtp.as_ref().expect("this app has no SMTP server")
    }

    pub fn smtp_mut(&mut self) -> &mut SmtpServer {
        self.smtp.as_mut().expect("this app has no SMTP server")
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.expect("server task").expect("server result");
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::read(req).await
    }

    pub async fn read(req: reqwest::RequestBuilder) -> Resp {
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.request(Method::POST, path, None, Some(body)).await
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> Resp {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    /// Uploads `bytes` as a new document named `name`, and answers whatever the server answered.
    pub async fn upload(&self, token: &str, name: &str, bytes: Vec<u8>) -> Resp {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        TestApp::read(
            self.client
                .post(format!("{}/api/documents/", self.base))
                .bearer_auth(token)
                .multipart(form),
        )
        .await
    }

    pub fn mails_to(&self, to: &str) -> usize {
        self.smtp().messages_to(to).len()
    }

    pub async fn next_mail(&self, to: &str, seen: usize) -> ReceivedMail {
        self.smtp().next_mail(to, seen).await
    }

    /// Registers `email` and verifies it with the code from the mail: a signed-in user.
    pub async fn signup(&self, email: &str) -> Session {
        let seen = self.mails_to(email);
        let r = self
            .post(
                "/api/users/register",
                json!({"email": email, "password": PASSWORD, "password_confirm": PASSWORD,
                "first_name": "Amal", "last_name": "Ben Ali"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let code = self.wait_otp(email, seen).await;
        self.verify(email, &code).await
    }

    /// Waits for the next `otp` mail to `email` (others, such as welcome, are skipped) and returns its code.
    pub async fn wait_otp(&self, email: &str, seen: usize) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let mails = self.smtp().messages_to(email);
            if let Some(m) = mails
                .iter()
                .skip(seen)
                .rfind(|m| m.subject.contains("code"))
            {
                return otp_code(m);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no code mail to {email}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn verify(&self, email: &str, code: &str) -> Session {
        let r = self
            .post(
                "/api/users/verify-otp",
                json!({"email": email, "otp_code": code}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        Session {
            user_id: r.body["user"]["id"].as_i64().expect("id"),
            access: r.body["tokens"]["access"]
                .as_str()
                .expect("access")
                .to_owned(),
            refresh: r.body["tokens"]["refresh"]
                .as_str()
                .expect("refresh")
                .to_owned(),
        }
    }

    /// A signed-in user, whatever the OTP policy (tokens straight from registration when it is `off`).
    pub async fn user(&self, email: &str) -> Session {
        if self.state.config.otp_policy != autotrack::config::OtpPolicy::Off {
            return self.signup(email).await;
        }
        let r = self
            .post(
                "/api/users/register",
                json!({"email": email, "password": PASSWORD, "password_confirm": PASSWORD,
                "first_name": "Amal", "last_name": "Ben Ali"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        Session {
            user_id: r.body["user"]["id"].as_i64().expect("id"),
            access: r.body["tokens"]["access"]
                .as_str()
                .expect("access")
                .to_owned(),
            refresh: r.body["tokens"]["refresh"]
                .as_str()
                .expect("refresh")
                .to_owned(),
        }
    }

    /// An admin (created as the `create-user --admin` command does), signed in.
    pub async fn admin(&self, email: &str) -> Session {
        autotrack::users::passwords::create_user(
            &self.state,
            email,
            PASSWORD.to_owned(),
            "Ada",
            "Admin",
            true,
        )
        .await
        .expect("create admin");
        if self.state.config.otp_policy == autotrack::config::OtpPolicy::Off {
            let r = self
                .post(
                    "/api/users/login",
                    json!({"email": email, "password": PASSWORD}),
                )
                .await;
            return Session {
                user_id: r.body["user"]["id"].as_i64().expect("id"),
                access: r.body["tokens"]["access"]
                    .as_str()
                    .expect("access")
                    .to_owned(),
                refresh: r.body["tokens"]["refresh"]
                    .as_str()
                    .expect("refresh")
                    .to_owned(),
            };
        }
        self.login(email, PASSWORD).await
    }

    /// Creates one of `s`'s vehicles from `body`; answers its id.
    pub async fn vehicle(&self, s: &Session, body: Value) -> i64 {
        let r = self
            .send("POST", "/api/vehicles/", &s.access, Some(body))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_i64().expect("id")
    }

    pub async fn send(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Resp {
        let m = Method::from_bytes(method.as_bytes()).expect("method");
        self.request(m, path, Some(token), body).await
    }

    /// Password + code: a new session for an existing user.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let seen = self.mails_to(email);
        let r = self
            .post(
                "/api/users/login",
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["otp_required"], true);
        let code = self.wait_otp(email, seen).await;
        self.verify(email, &code).await
    }

    /// Runs one job now, as `run-jobs --job` does. The server's own scheduler may hold the job's lease at that
    /// moment (then the run is `skipped`): retry for a few seconds before returning what happened.
    pub async fn run_job(&self, name: &str) -> autotrack::scheduler::JobReport {
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            let report = autotrack::scheduler::run_once(&self.state, Some(name))
                .await
                .expect("job")
                .remove(0);
            if report.status != "skipped" || std::time::Instant::now() > deadline {
                return report;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Moves the app's clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.state.clock.advance(by);
    }

    /// Reads one value from the database (test-side inspection of what was stored).
    pub fn db_value(&self, sql: &str) -> Value {
        let conn = rusqlite::Connection::open(self.state.db.path()).expect("open db");
        conn.query_row(sql, [], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(i) => json!(i),
                rusqlite::types::ValueRef::Real(f) => json!(f),
                rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                rusqlite::types::ValueRef::Blob(_) => Value::Null,
            })
        })
        .expect("query")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
