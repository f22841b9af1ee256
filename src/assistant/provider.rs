//! The optional OpenAI-compatible provider (assistant.md §6): it only writes the free text, from a context the
//! offline assistant computed (the intent, the knowledge-base findings, and only the caller's rows it used). Any
//! failure (timeout, HTTP error, empty or unreadable answer) gives the offline text, and is logged without the key.

use std::time::Instant;

use serde_json::{Value, json};

use crate::app::AppState;
use crate::config::AiConfig;
use crate::i18n::Lang;
use crate::knowledge::analysis::Analysis;

/// Largest provider answer read (bytes): a misbehaving server cannot grow memory without bound.
const MAX_BODY: usize = 256 * 1024;

#[derive(Clone)]
pub struct Provider {
    client: reqwest::Client,
    config: AiConfig,
}

/// One message of a chat: `system`, `user` or `assistant`.
#[derive(Debug, Clone)]
pub struct Turn {
    pub role: &'static str,
    pub content: String,
}

impl Provider {
    pub fn from_config(config: Option<&AiConfig>) -> anyhow::Result<Option<Provider>> {
        let Some(c) = config else { return Ok(None) };
        let client = reqwest::Client::builder()
            .timeout(c.timeout)
            .build()
            .map_err(|e| anyhow::anyhow!("assistant provider client: {e}"))?;
        Ok(Some(Provider {
            client,
            config: c.clone(),
        }))
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    /// `POST {base}/chat/completions`; the answer's text, or why there is none (for the log).
    pub async fn complete(&self, messages: &[Turn]) -> Result<String, String> {
        let body = json!({
            "model": self.config.model,
            "messages": messages.iter().map(|m| json!({"role": m.role, "content": m.content})).collect::<Vec<_>>(),
            "temperature": 0.3,
            "max_tokens": 800,
        });
        let mut req = self
            .client
            .post(format!("{}/chat/completions", self.config.base_url))
            .json(&body);
        if let Some(key) = &self.config.api_key {
            req = req.bearer_auth(key.expose());
        }
        let mut resp = req.send().await.map_err(|e| {
            if e.is_timeout() {
                "timeout".to_owned()
            } else {
                format!("request failed: {}", e.without_url())
            }
        })?;
        let status = resp.status();
        let mut raw = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            if e.is_timeout() {
                "timeout".to_owned()
            } else {
                format!("reading the answer: {}", e.without_url())
            }
        })? {
            if raw.len() + chunk.len() > MAX_BODY {
                return Err(format!("answer larger than {MAX_BODY} bytes"));
            }
            raw.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(format!("HTTP {}", status.as_u16()));
        }
        let v: Value = serde_json::from_slice(&raw).map_err(|_| "unreadable answer".to_owned())?;
        v.pointer("/choices/0/message/content")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| "empty answer".to_owned())
    }
}

/// The system message: the role, the language, and to keep to the context.
pub fn system_turn(lang: Lang) -> Turn {
    let language = match lang {
        Lang::Fr => "French",
        Lang::En => "English",
    };
    Turn {
        role: "system",
        content: format!(
            "You are AutoTrack's vehicle maintenance assistant. Answer in {language}, briefly and plainly. Use only \
             the context given below (the user's own records and the knowledge-base findings); when it does not \
             hold the answer, say that you do not know. Never invent figures, dates or records."
        ),
    }
}

pub fn context_turn(context: &Value) -> Turn {
    Turn {
        role: "system",
        content: format!("Context (JSON): {context}"),
    }
}

/// The provider's text for `turns`, or `None` (logged) when there is no provider or it failed.
pub async fn text(state: &AppState, what: &str, turns: &[Turn]) -> Option<(String, String)> {
    let provider = state.ai.as_ref()?;
    let started = Instant::now();
    match provider.complete(turns).await {
        Ok(t) => {
            tracing::info!(
                what,
                model = provider.model(),
                ms = started.elapsed().as_millis() as u64,
                "assistant provider answered"
            );
            Some((t, provider.model().to_owned()))
        }
        Err(why) => {
            tracing::warn!(what, model = provider.model(), error = %why, ms = started.elapsed().as_millis() as u64, "assistant provider failed; the offline answer is given");
            None
        }
    }
}

/// A diagnostic's `ai_analysis` written by the provider from the offline analysis; the offline one otherwise. The
/// structured analysis stays the offline result, with `source` saying who wrote the text.
pub async fn diagnostic_text(
    state: &AppState,
    context: Value,
    question: String,
    mut analysis: Analysis,
    lang: Lang,
) -> (Analysis, String) {
    let turns = [
        system_turn(lang),
        context_turn(
            &json!({"intent": "diagnostic", "knowledge_base": &analysis, "records": context}),
        ),
        Turn {
            role: "user",
            content: question,
        },
    ];
    match text(state, "diagnostic", &turns).await {
        Some((t, _)) => {
            analysis.source = "provider".into();
            (analysis, t)
        }
        None => {
            let t = analysis.summary.clone();
            (analysis, t)
        }
    }
}
