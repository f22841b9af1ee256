//! Mail templates: `<name>.<lang>.subject.txt`, `.txt` and `.html` (minijinja, HTML auto-escaped), embedded from
//! `assets/templates/mail/`; files of the same name in `<data dir>/templates/mail/` take precedence.

use std::path::Path;

use anyhow::Context;
use minijinja::Environment;
use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::i18n::Lang;

#[derive(rust_embed::Embed)]
#[folder = "assets/templates/mail/"]
struct Embedded;

/// Every mail of mail.md §2.
pub const MAILS: &[&str] = &[
    "welcome",
    "otp",
    "password_reset",
    "password_changed",
    "email_changed",
    "subscription_confirmation",
    "payment_failed",
    "subscription_renewal",
    "subscription_expired",
    "maintenance_reminder",
];

pub struct Templates {
    env: Environment<'static>,
    globals: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Templates {
    pub fn load(config: &Config) -> anyhow::Result<Templates> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        for name in Embedded::iter() {
            let file = Embedded::get(&name).context("embedded template vanished")?;
            let source =
                String::from_utf8(file.data.into_owned()).context("template is not UTF-8")?;
            env.add_template_owned(name.to_string(), source)?;
        }
        let overrides = config.data_dir.join("templates").join("mail");
        load_overrides(&mut env, &overrides)?;
        let frontend = config
            .frontend_url
            .clone()
            .or_else(|| config.public_url.clone())
            .unwrap_or_default();
        let mut globals = Map::new();
        globals.insert("site_name".into(), json!(config.site_name));
        globals.insert("site_url".into(), json!(frontend));
        globals.insert("support_email".into(), json!(config.support_email));
        let templates = Templates { env, globals };
        templates.check_complete()?;
        Ok(templates)
    }

    fn check_complete(&self) -> anyhow::Result<()> {
        for mail in MAILS {
            for lang in ["en", "fr"] {
                for part in ["subject.txt", "txt", "html"] {
                    let name = format!("{mail}.{lang}.{part}");
                    self.env
                        .get_template(&name)
                        .with_context(|| format!("mail template {name} is missing"))?;
                }
            }
        }
        Ok(())
    }

    /// Renders `template` in `lang` with the stored context plus the globals of mail.md §1.
    pub fn render(
        &self,
        template: &str,
        lang: Lang,
        context: &Value,
        year: i32,
    ) -> anyhow::Result<Rendered> {
        let mut ctx = self.globals.clone();
        ctx.insert("current_year".into(), json!(year));
        ctx.insert("language".into(), json!(lang.code()));
        if let Value::Object(vars) = context {
            for (k, v) in vars {
                ctx.insert(k.clone(), v.clone());
            }
        }
        let ctx = Value::Object(ctx);
        let part = |suffix: &str| -> anyhow::Result<String> {
            let name = format!("{template}.{}.{suffix}", lang.code());
            let tpl = self
                .env
                .get_template(&name)
                .with_context(|| format!("unknown mail template {name}"))?;
            tpl.render(&ctx)
                .with_context(|| format!("while rendering {name}"))
        };
        let subject = part("subject.txt")?
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
            .trim()
            .to_owned();
        Ok(Rendered {
            subject,
            text: part("txt")?,
            html: part("html")?,
        })
    }
}

fn load_overrides(env: &mut Environment<'static>, dir: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !path.is_file() || !(name.ends_with(".txt") || name.ends_with(".html")) {
            continue;
        }
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("while reading {}", path.display()))?;
        env.add_template_owned(name.clone(), source)
            .with_context(|| format!("template override {} does not parse", path.display()))?;
        tracing::info!(template = %name, "mail template overridden from the data directory");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Templates {
        let mut env = Environment::new();
        for name in Embedded::iter() {
            let src = String::from_utf8(Embedded::get(&name).unwrap().data.into_owned()).unwrap();
            env.add_template_owned(name.to_string(), src).unwrap();
        }
        let mut globals = Map::new();
        globals.insert("site_name".into(), json!("AutoTrack"));
        globals.insert("site_url".into(), json!("http://app.test"));
        globals.insert("support_email".into(), json!("help@test"));
        Templates { env, globals }
    }

    #[test]
    fn every_mail_exists_and_renders_in_both_languages() {
        let t = templates();
        t.check_complete().unwrap();
        let ctx = json!({"user_name": "Amal", "otp_code": "048213", "validity_minutes": 10, "purpose": "login",
            "reset_url": "http://app.test/auth/reset-password?token=x", "days_left": 7, "ends": false,
            "vehicle_name": "Renault Clio (AB-123-CD)", "mileage": "", "next_attempt_date": ""});
        for mail in MAILS {
            for lang in [Lang::En, Lang::Fr] {
                let r = t.render(mail, lang, &ctx, 2026).unwrap();
                assert!(!r.subject.is_empty() && !r.subject.contains('\n'), "{mail}");
                assert!(!r.text.is_empty() && r.html.contains("<html"), "{mail}");
            }
        }
    }

    #[test]
    fn otp_mail_carries_the_code_and_exact_subjects() {
        let t = templates();
        let ctx = json!({"user_name": "Amal", "otp_code": "048213", "validity_minutes": 10, "purpose": "login"});
        let en = t.render("otp", Lang::En, &ctx, 2026).unwrap();
        assert_eq!(en.subject, "Your AutoTrack verification code");
        assert!(en.text.contains("048213") && en.html.contains("048213"));
        let fr = t.render("otp", Lang::Fr, &ctx, 2026).unwrap();
        assert_eq!(fr.subject, "Votre code de vérification AutoTrack");
    }

    #[test]
    fn html_is_escaped() {
        let t = templates();
        let ctx =
            json!({"user_name": "<script>x</script>", "email": "a@b.c", "login_url": "http://x"});
        let r = t.render("welcome", Lang::En, &ctx, 2026).unwrap();
        assert!(!r.html.contains("<script>x"));
        assert!(r.text.contains("<script>x</script>"));
    }
}
