#![allow(dead_code)]
//! A real SMTP server on loopback for tests: aiosmtpd (PyPI) storing every message in a Maildir, read back
//! and parsed the way a mail client would.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub auto_submitted: Option<String>,
    pub message_id: Option<String>,
}

fn python() -> String {
    std::env::var("AUTOTRACK_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let mut s = SmtpServer {
            port: free_port(),
            dir: tempfile::tempdir().expect("tempdir"),
            child: None,
        };
        s.launch();
        s
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    fn launch(&mut self) {
        let child = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.maildir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "could not start aiosmtpd: run the tests through scripts/test.sh (it installs it)",
            );
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("aiosmtpd exited at start ({status}); is it installed? run scripts/test.sh");
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server (an outage); the stored messages stay.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<(std::time::SystemTime, String, PathBuf)> = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir().join(sub)) {
                for e in entries.flatten() {
                    let modified = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    files.push((
                        modified,
                        e.file_name().to_string_lossy().into_owned(),
                        e.path(),
                    ));
                }
            }
        }
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, _, path)| std::fs::read(path).ok())
            .filter_map(|raw| {
                let msg = MessageParser::default().parse(&raw)?;
                Some(ReceivedMail {
                    to: msg
                        .to()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.address().map(str::to_lowercase))
                                .collect()
                        })
                        .unwrap_or_default(),
                    from: msg
                        .from()
                        .and_then(|a| a.first())
                        .and_then(|a| a.address())
                        .unwrap_or("")
                        .to_owned(),
                    subject: msg.subject().unwrap_or("").to_owned(),
                    text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                    html: msg.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                    auto_submitted: msg
                        .header_raw("Auto-Submitted")
                        .map(|v| v.trim().to_owned()),
                    message_id: msg.message_id().map(str::to_owned),
                })
            })
            .collect()
    }

    pub fn messages_to(&self, to: &str) -> Vec<ReceivedMail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == &to.to_lowercase()))
            .collect()
    }

    /// Waits for a message to `to`, after the first `seen`, whose subject is `subject`.
    pub async fn next_mail_titled(&self, to: &str, seen: usize, subject: &str) -> ReceivedMail {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(m) = self
                .messages_to(to)
                .into_iter()
                .skip(seen)
                .find(|m| m.subject == subject)
            {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "no mail {subject:?} to {to} after 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until more than `seen` messages reached `to`, and returns the newest.
    pub async fn next_mail(&self, to: &str, seen: usize) -> ReceivedMail {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mails = self.messages_to(to);
            if mails.len() > seen {
                return mails.last().cloned().expect("a mail");
            }
            assert!(
                Instant::now() < deadline,
                "no new mail to {to} after 20 s (had {seen})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The 6-digit code of an `otp` mail, read from its text as a user would.
pub fn otp_code(mail: &ReceivedMail) -> String {
    mail.text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no 6-digit code in mail {:?}", mail.text))
}

/// The reset token of a `password_reset` mail's link.
pub fn reset_token(mail: &ReceivedMail) -> String {
    let at = mail
        .text
        .find("token=")
        .unwrap_or_else(|| panic!("no reset link in {:?}", mail.text));
    mail.text[at + 6..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
