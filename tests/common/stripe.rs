#![allow(dead_code)]
//! A Stripe-compatible server on loopback for tests: localstripe (PyPI), fronted by `tests/stripe/fake_stripe.py`,
//! a named test double that serves the Checkout, Billing Portal and Prices endpoints localstripe lacks and forwards
//! the rest. AutoTrack reaches it through its production client with `AUTOTRACK_STRIPE_API_BASE`.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::smtp::free_port;

pub struct StripeServer {
    /// The fake's port: the base URL AutoTrack is given.
    pub port: u16,
    children: Vec<Child>,
}

fn python() -> PathBuf {
    PathBuf::from(std::env::var("AUTOTRACK_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned()))
}

fn wait_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start: run the tests through scripts/test.sh"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl StripeServer {
    pub fn start() -> StripeServer {
        let (inner, outer) = (free_port(), free_port());
        let py = python();
        let bin = py
            .parent()
            .map(|d| d.join("localstripe"))
            .unwrap_or_else(|| "localstripe".into());
        let localstripe = Command::new(bin)
            .args(["--port", &inner.to_string(), "--from-scratch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("could not start localstripe: run the tests through scripts/test.sh (it installs it)");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stripe/fake_stripe.py");
        let fake = Command::new(&py)
            .arg(script)
            .args([
                "--port",
                &outer.to_string(),
                "--localstripe",
                &format!("http://127.0.0.1:{inner}"),
            ])
            .arg("--compat-subscriptions")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("could not start fake_stripe.py");
        let server = StripeServer {
            port: outer,
            children: vec![localstripe, fake],
        };
        wait_port(inner, "localstripe");
        wait_port(outer, "fake_stripe.py");
        server
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A recurring monthly price (created through the fake, mirrored as a localstripe plan); returns its id.
    pub async fn price(&self, cents: i64) -> String {
        let r = reqwest::Client::new()
            .post(format!("{}/v1/prices", self.base()))
            .basic_auth("sk_test_autotrack", Some(""))
            .form(&[
                ("currency", "eur"),
                ("unit_amount", &cents.to_string()),
                ("recurring[interval]", "month"),
                ("product_data[name]", "Plan"),
            ])
            .send()
            .await
            .expect("price");
        let v: serde_json::Value = r.json().await.expect("price json");
        v["id"].as_str().expect("price id").to_owned()
    }

    /// Every request the fake received (method, path, idempotency_key, form, status…).
    pub async fn requests(&self) -> Vec<serde_json::Value> {
        let v: serde_json::Value = reqwest::get(format!("{}/_fake/requests", self.base()))
            .await
            .expect("requests")
            .json()
            .await
            .expect("requests json");
        v["requests"].as_array().cloned().unwrap_or_default()
    }

    /// The next `count` calls of `path` answer `status` with a Stripe error.
    pub async fn fail(&self, path: &str, count: i64, status: u16) {
        let body = serde_json::json!({"path": path, "count": count, "status": status,
            "error": {"type": "api_error", "message": "forced by the test"}});
        let r = reqwest::Client::new()
            .post(format!("{}/_fake/fail", self.base()))
            .json(&body)
            .send()
            .await
            .expect("fail rule");
        assert!(r.status().is_success());
    }
}

impl Drop for StripeServer {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
