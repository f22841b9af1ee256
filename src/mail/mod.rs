//! Mail: templates embedded in the binary (overridable from `<data dir>/templates/mail/`), an SMTP transport
//! (lettre), and the outbox every mail goes through (mail.md).

pub mod outbox;
pub mod templates;

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, SmtpConfig, SmtpSecurity};

pub use templates::{Rendered, Templates};

/// The SMTP side. `None` in `AppState` when no host is configured: mail then waits in the outbox.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    pub smtp: SmtpConfig,
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Mailer>> {
        let Some(smtp) = config.smtp.clone() else {
            return Ok(None);
        };
        let builder = match smtp.security {
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            }
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(Duration::from_secs(10)));
        if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.expose().to_owned()));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from: config.mail_from.parse()?,
            smtp,
        }))
    }

    /// Sends one rendered mail; returns the server's answer (the error text is its refusal). `key` makes the
    /// Message-ID stable (an outbox row's id): a mail sent again after a crash carries the same one, so mail
    /// clients show it once.
    pub async fn send(
        &self,
        to: &str,
        mail: &Rendered,
        key: Option<&str>,
    ) -> anyhow::Result<String> {
        let to: Mailbox = to.parse()?;
        let subject: String = mail.subject.chars().filter(|c| !c.is_control()).collect();
        let message_id = key.map(|k| format!("<autotrack.{k}@{}>", self.from.email.domain()));
        let message = Message::builder()
            .message_id(message_id)
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
                    ),
            )?;
        let response = self
            .transport
            .send(message)
            .await
            .map_err(|e| self.explain(e))?;
        Ok(format!(
            "{} {}",
            response.code(),
            response.message().collect::<Vec<_>>().join(" ")
        ))
    }

    /// A transport error with the server and the security setting it was reached with, and for a TLS mismatch
    /// the setting to change: the library's text alone ("STARTTLS is not supported") names neither.
    fn explain(&self, err: lettre::transport::smtp::Error) -> anyhow::Error {
        let s = &self.smtp;
        let security = match s.security {
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        };
        let text = err.to_string().to_lowercase();
        let hint = if text.contains("starttls")
            || text.contains("tls")
            || text.contains("certificate")
        {
            " (check AUTOTRACK_SMTP_SECURITY: `starttls` on port 587, `tls` on port 465, `none` only on a trusted \
             local relay)"
        } else {
            ""
        };
        anyhow::Error::new(err).context(format!(
            "SMTP server {}:{} with AUTOTRACK_SMTP_SECURITY={security}{hint}",
            s.host, s.port
        ))
    }

    /// Connect, greeting, EHLO, TLS as configured, login, QUIT: no mail sent (health.md).
    pub async fn check(&self) -> anyhow::Result<()> {
        if self
            .transport
            .test_connection()
            .await
            .map_err(|e| self.explain(e))?
        {
            Ok(())
        } else {
            anyhow::bail!("the SMTP server did not accept the connection")
        }
    }
}
