//! The settings of the assistant's optional OpenAI-compatible provider (assistant.md §6).

use std::path::PathBuf;

use clap::Args;

use super::Secret;

#[derive(Debug, Clone, Args)]
pub struct AiSettings {
    /// Base URL of an OpenAI-compatible API for the assistant (`…/v1`; unset: the offline assistant only).
    #[arg(long, env = "AUTOTRACK_AI_BASE_URL")]
    pub ai_base_url: Option<String>,

    /// API key of the assistant provider.
    #[arg(long, env = "AUTOTRACK_AI_API_KEY", hide_env_values = true)]
    pub ai_api_key: Option<Secret>,

    /// File holding the API key of the assistant provider.
    #[arg(long, env = "AUTOTRACK_AI_API_KEY_FILE")]
    pub ai_api_key_file: Option<PathBuf>,

    /// Model name sent to the assistant provider.
    #[arg(long, env = "AUTOTRACK_AI_MODEL")]
    pub ai_model: Option<String>,

    /// Time limit of one provider call, in seconds; past it the offline answer is given.
    #[arg(long, env = "AUTOTRACK_AI_TIMEOUT_SECONDS", default_value_t = 30)]
    pub ai_timeout_seconds: u64,
}
