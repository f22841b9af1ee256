//! The embedded knowledge base (assistant.md §2, §4.1): OBD-II trouble codes, symptom rules and the maintenance
//! schedule, read from the data files of `assets/kb/` compiled into the binary, checked once at start (a bad file
//! stops the server with the file and line), then shared read-only. `analysis` turns a description and codes into
//! the structured result of §1.2. No database, no I/O after start: diagnostics and the assistant call it.

pub mod analysis;
pub mod codes;
pub mod schedule;
pub mod symptoms;

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Tr;

pub use codes::{CodeEntry, normalize_code};
pub use schedule::ScheduleItem;
pub use symptoms::Rule;

/// Severity, ordered: `low` < `medium` < `high` < `critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn label(self) -> Tr {
        match self {
            Severity::Low => Tr::new("low", "faible"),
            Severity::Medium => Tr::new("medium", "moyenne"),
            Severity::High => Tr::new("high", "élevée"),
            Severity::Critical => Tr::new("critical", "critique"),
        }
    }
}

/// Everything the assistant and diagnostics know without a network.
#[derive(Debug)]
pub struct Knowledge {
    codes: HashMap<String, CodeEntry>,
    pub rules: Vec<Rule>,
    pub schedule: Vec<ScheduleItem>,
}

const TEXTS: &str = include_str!("../../assets/kb/texts.tsv");
const CODES: &str = include_str!("../../assets/kb/trouble_codes.tsv");
const SYMPTOMS: &str = include_str!("../../assets/kb/symptoms.json");
const SCHEDULE: &str = include_str!("../../assets/kb/schedule.json");

impl Knowledge {
    /// Reads and checks the embedded files.
    pub fn load() -> anyhow::Result<Knowledge> {
        Ok(Knowledge {
            codes: codes::parse(TEXTS, CODES)?,
            rules: symptoms::parse(SYMPTOMS)?,
            schedule: schedule::parse(SCHEDULE)?,
        })
    }

    pub fn code(&self, normalized: &str) -> Option<&CodeEntry> {
        self.codes.get(normalized)
    }

    pub fn code_count(&self) -> usize {
        self.codes.len()
    }

    /// Every known code, sorted (for tests and the documentation).
    pub fn codes(&self) -> Vec<&CodeEntry> {
        let mut all: Vec<&CodeEntry> = self.codes.values().collect();
        all.sort_by(|a, b| a.code.cmp(&b.code));
        all
    }
}
