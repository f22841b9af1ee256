//! Helpers of the account and operations commands.

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use clap::Subcommand;

use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum InviteAction {
    /// Create a single-use invitation for one address and print its code.
    Create {
        /// The address that may register with it.
        #[arg(long)]
        email: String,
        /// Days the invitation stays valid.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
        #[command(flatten)]
        settings: Settings,
    },
}

/// The password of `create-user`: a file, stdin, or a hidden prompt on a terminal (never an argument).
pub fn read_password(from_stdin: bool, file: Option<&Path>) -> anyhow::Result<String> {
    let password = if let Some(path) = file {
        let raw = std::fs::read_to_string(path)
            .with_context(|| format!("while reading {}", path.display()))?;
        raw.lines().next().unwrap_or("").to_owned()
    } else if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("while reading the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password (again): ")?;
        if first != second {
            bail!("the passwords do not match");
        }
        first
    };
    if password.is_empty() {
        bail!(
            "empty password: give it on a terminal, or with --password-stdin (first line of standard input) or --password-file FILE"
        );
    }
    Ok(password)
}

/// The base URL `healthcheck` asks: `--url`, else the listen address `serve` uses (`AUTOTRACK_LISTEN`, `.env`),
/// with an any-address bind asked on loopback.
pub fn health_url(url: Option<&str>, listen: std::net::SocketAddr) -> String {
    if let Some(url) = url {
        return url.trim_end_matches('/').to_owned();
    }
    let ip = match listen.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", std::net::SocketAddr::new(ip, listen.port()))
}

/// `healthcheck`: GET <url>/api/health/ over plain HTTP; success for 200 (healthy or degraded). Every failure
/// names the URL it tried.
pub async fn healthcheck(url: &str) -> anyhow::Result<ExitCode> {
    let target = format!("{url}/api/health/");
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("{url}: only http:// URLs are supported"))?;
    let host = rest.split('/').next().unwrap_or(rest);
    let fut = async {
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        let request =
            format!("GET /api/health/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).await?;
        anyhow::Ok(String::from_utf8_lossy(&buf).into_owned())
    };
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), fut)
        .await
        .with_context(|| format!("{target}: no answer within 10 seconds"))?
        .with_context(|| format!("{target}: no server answered (is `autotrack serve` running with the same AUTOTRACK_LISTEN?)"))?;
    let status = answer.split_whitespace().nth(1).unwrap_or("");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").trim();
    println!("{status} {body}");
    Ok(if status == "200" {
        ExitCode::SUCCESS
    } else {
        eprintln!("{target} answered {status}");
        ExitCode::FAILURE
    })
}

/// `autotrack invite create`: prints the code and how to use it.
pub async fn invite(
    state: &crate::app::AppState,
    email: &str,
    days: i64,
) -> anyhow::Result<ExitCode> {
    let (code, expires) = crate::users::signups::invite(state, email, days).await?;
    let email = email.trim().to_lowercase();
    println!(
        "invitation for {email}, valid until {}:",
        expires.format("%Y-%m-%d %H:%M UTC")
    );
    println!("{code}");
    if state.config.signups != crate::config::SignupPolicy::Invite {
        eprintln!(
            "note: AUTOTRACK_SIGNUPS is not `invite` on this installation, so registering needs no invitation"
        );
    }
    eprintln!(
        "the person registers with this address and `\"invite_code\": \"<code>\"` in the register request"
    );
    Ok(ExitCode::SUCCESS)
}
