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

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded files load, hold the coverage the contract asks for, and keep its representative entries.
    #[test]
    fn the_embedded_knowledge_base_loads_and_covers_the_contract() {
        let kb = Knowledge::load()
            .map_err(|e| format!("{e:#}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(kb.code_count() >= 1000, "{} codes", kb.code_count());
        for letter in ['B', 'C', 'U'] {
            assert!(
                kb.codes().iter().any(|c| c.code.starts_with(letter)),
                "no {letter} code"
            );
        }
        let p2 = kb
            .codes()
            .iter()
            .filter(|c| c.code.starts_with("P2"))
            .count();
        assert!(p2 >= 50, "{p2} P2xxx codes");
        let p0 = kb
            .codes()
            .iter()
            .filter(|c| c.code.starts_with("P0"))
            .count();
        assert!(p0 >= 800, "{p0} P0xxx codes");
        let expect = [
            (
                "P0101",
                "Mass air flow sensor range/performance",
                Severity::Medium,
                true,
            ),
            (
                "P0217",
                "Engine coolant over-temperature",
                Severity::Critical,
                false,
            ),
            (
                "P0301",
                "Cylinder 1 misfire detected",
                Severity::High,
                false,
            ),
            (
                "P0420",
                "Catalyst system efficiency below threshold (bank 1)",
                Severity::Medium,
                true,
            ),
            (
                "P0524",
                "Engine oil pressure too low",
                Severity::Critical,
                false,
            ),
            (
                "U0100",
                "Lost communication with ECM/PCM A",
                Severity::High,
                false,
            ),
        ];
        for (code, en, severity, safe) in expect {
            let e = kb.code(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(
                (e.description.en.as_str(), e.severity, e.safe_to_drive),
                (en, severity, safe),
                "{code}"
            );
        }
        assert_eq!(
            kb.code("P0301").map(|e| e.causes[0].en.as_str()),
            Some("Worn spark plug")
        );
        assert!(kb.rules.len() >= 13 && kb.schedule.len() == 13);
    }
}
