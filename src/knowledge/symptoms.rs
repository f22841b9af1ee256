//! Symptom rules (`assets/kb/symptoms.json`): phrases in both languages, folded at load, that point to probable
//! causes with their likelihoods, a severity, whether driving on is safe, advice and a typical cost.

use std::collections::HashSet;

use anyhow::bail;
use serde::Deserialize;

use super::Severity;
use crate::i18n::Tr;
use crate::text::{fold_str, occurs};

#[derive(Deserialize)]
struct BiText {
    en: String,
    fr: String,
}

#[derive(Deserialize)]
struct Phrases {
    en: Vec<String>,
    fr: Vec<String>,
}

#[derive(Deserialize)]
struct CauseFile {
    en: String,
    fr: String,
    likelihood: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    key: String,
    phrases: Phrases,
    causes: Vec<CauseFile>,
    severity: String,
    safe_to_drive: bool,
    unsafe_when: Vec<String>,
    advice: Vec<BiText>,
    cost_min: i64,
    cost_max: i64,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub key: String,
    /// Folded (lower case, no accents), both languages together.
    pub phrases: Vec<String>,
    pub causes: Vec<(Tr, f64)>,
    pub severity: Severity,
    pub safe_to_drive: bool,
    /// Folded phrases that make driving unsafe (a flashing light, white smoke…).
    pub unsafe_when: Vec<String>,
    pub advice: Vec<Tr>,
    pub cost: (i64, i64),
}

impl Rule {
    /// How many of the rule's phrases occur in the folded `text` (0: the rule does not match).
    pub fn hits(&self, text: &str) -> usize {
        self.phrases
            .iter()
            .filter(|p| occurs(text, p, false))
            .count()
    }

    /// Safe to drive, given the folded `text`.
    pub fn safe_in(&self, text: &str) -> bool {
        self.safe_to_drive && !self.unsafe_when.iter().any(|p| occurs(text, p, false))
    }
}

pub(super) fn parse(json: &str) -> anyhow::Result<Vec<Rule>> {
    let files: Vec<RuleFile> =
        serde_json::from_str(json).map_err(|e| anyhow::anyhow!("symptoms.json: {e}"))?;
    let mut keys = HashSet::new();
    let mut rules = Vec::new();
    for f in files {
        let at = format!("symptoms.json rule {:?}", f.key);
        if f.key.is_empty() || !keys.insert(f.key.clone()) {
            bail!("{at}: empty or duplicate key");
        }
        let Some(severity) = Severity::parse(&f.severity) else {
            bail!("{at}: severity {:?}", f.severity);
        };
        if f.phrases.en.is_empty() || f.phrases.fr.is_empty() || f.causes.is_empty() {
            bail!("{at}: phrases in both languages and causes are required");
        }
        if f.causes
            .iter()
            .any(|c| !(0.0..=1.0).contains(&c.likelihood) || c.en.is_empty() || c.fr.is_empty())
        {
            bail!("{at}: a cause needs both texts and a likelihood in 0..1");
        }
        if f.cost_min < 0 || f.cost_min > f.cost_max {
            bail!("{at}: costs {}–{}", f.cost_min, f.cost_max);
        }
        let fold_all = |v: Vec<String>| -> Vec<String> {
            v.iter()
                .map(|p| fold_str(p.trim()))
                .filter(|p| !p.is_empty())
                .collect()
        };
        rules.push(Rule {
            key: f.key,
            phrases: fold_all([f.phrases.en, f.phrases.fr].concat()),
            causes: f
                .causes
                .into_iter()
                .map(|c| (Tr::new(c.en, c.fr), c.likelihood))
                .collect(),
            severity,
            safe_to_drive: f.safe_to_drive,
            unsafe_when: fold_all(f.unsafe_when),
            advice: f.advice.into_iter().map(|a| Tr::new(a.en, a.fr)).collect(),
            cost: (f.cost_min, f.cost_max),
        });
    }
    Ok(rules)
}
