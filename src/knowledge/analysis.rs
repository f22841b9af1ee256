//! The offline analysis of a problem (assistant.md §1.2): the codes given or written in the text, explained; the
//! symptom rules the text matches; ranked probable causes, severity, whether to drive on, advice, a cost range and
//! a confidence, all from the knowledge base. Pure: the same input gives the same result.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::codes::{family, normalize_code, system};
use super::{Knowledge, Severity};
use crate::i18n::{Lang, Tr};
use crate::text::fold_str;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CodeFinding {
    pub code: String,
    /// In the knowledge base; else described by its family only.
    pub known: bool,
    #[schema(pattern = "^(powertrain|body|chassis|network)$")]
    pub system: String,
    pub description: String,
    pub severity: Option<Severity>,
    pub safe_to_drive: Option<bool>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cause {
    pub cause: String,
    /// 0–1.
    pub likelihood: f64,
    /// The code or the symptom rule it comes from.
    pub from: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CostRange {
    pub min: i64,
    pub max: i64,
    pub currency: String,
}

/// `analysis_data` of a diagnostic (assistant.md §1.2).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Analysis {
    /// `knowledge_base`, or `provider` when a provider wrote the text.
    pub source: String,
    pub severity: Option<Severity>,
    pub safe_to_drive: Option<bool>,
    pub confidence: f64,
    pub trouble_codes: Vec<CodeFinding>,
    pub matched_symptoms: Vec<String>,
    pub probable_causes: Vec<Cause>,
    pub advice: Vec<String>,
    pub estimated_cost: Option<CostRange>,
    #[schema(format = DateTime)]
    pub generated_at: String,
    /// The readable summary (`ai_analysis`); not part of `analysis_data`.
    #[serde(skip)]
    pub summary: String,
}

impl Analysis {
    pub fn matched(&self) -> bool {
        !self.trouble_codes.is_empty() || !self.matched_symptoms.is_empty()
    }
}

pub fn nothing_matched() -> Tr {
    Tr::new(
        "I could not identify the problem from this description. Read the fault codes with an OBD-II reader or consult a mechanic.",
        "Je n'ai pas pu identifier le problème à partir de cette description. Lisez les codes défaut avec un lecteur OBD-II ou consultez un mécanicien.",
    )
}

/// Codes written in `text` as whole words, in any case, in order of appearance, without repeats. A code cut in two
/// by a space or a dash ("p0 301", "P03-01") counts when its first part starts it (2 to 4 characters).
pub fn codes_in_text(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let joined = words
            .get(i + 1)
            .filter(|next| (2..=4).contains(&w.len()) && w.len() + next.len() == 5)
            .and_then(|next| normalize_code(&format!("{w}{next}")));
        let (code, step) = match (w.len() == 5).then(|| normalize_code(w)).flatten() {
            Some(c) => (Some(c), 1),
            None => (joined, 2),
        };
        match code {
            Some(c) => {
                if seen.insert(c.clone()) {
                    out.push(c);
                }
                i += step;
            }
            None => i += 1,
        }
    }
    out
}

/// "80–400 €".
pub fn cost_text(c: &CostRange) -> String {
    format!("{}–{} €", c.min, c.max)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Analyses `text` (title and description, or a question) with the `codes` given apart (already normalised).
/// Whether a cause fits the vehicle's fuel type (`None`: unknown, every cause fits). A cause written for one kind
/// of engine says so at its end: "(diesel)" or "(petrol)" (spark ignition: petrol, hybrids, LPG, CNG).
fn fits(cause_en: &str, fuel: Option<&str>) -> bool {
    let Some(fuel) = fuel else { return true };
    if cause_en.ends_with("(diesel)") {
        fuel == "diesel"
    } else if cause_en.ends_with("(petrol)") {
        fuel != "diesel" && fuel != "electric"
    } else {
        true
    }
}

/// The analysis of `text` and `codes` for a vehicle running on `fuel` (its `fuel_type`, when known).
pub fn analyze(
    kb: &Knowledge,
    text: &str,
    codes: &[String],
    fuel: Option<&str>,
    lang: Lang,
    now: DateTime<Utc>,
) -> Analysis {
    let folded = fold_str(text);
    let mut all_codes: Vec<String> = codes.to_vec();
    for c in codes_in_text(text) {
        if !all_codes.contains(&c) {
            all_codes.push(c);
        }
    }
    let mut findings = Vec::new();
    let mut causes: Vec<(Tr, f64, String)> = Vec::new();
    let mut advice: Vec<Tr> = Vec::new();
    let mut severity: Option<Severity> = None;
    let mut unsafe_seen = false;
    let mut safe_seen = false;
    let mut cost: Option<(i64, i64)> = None;
    let mut confidence: f64 = 0.0;
    let widen = |cost: &mut Option<(i64, i64)>, (a, b): (i64, i64)| {
        *cost = Some(cost.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    };
    let mut code_causes = Vec::new();
    for code in &all_codes {
        let (sys, _) = system(code);
        match kb.code(code) {
            Some(e) => {
                findings.push(CodeFinding {
                    code: code.clone(),
                    known: true,
                    system: sys.into(),
                    description: e.description.get(lang).to_owned(),
                    severity: Some(e.severity),
                    safe_to_drive: Some(e.safe_to_drive),
                });
                for (cause, likelihood) in e.causes.iter().zip([0.6, 0.3, 0.1]) {
                    causes.push((cause.clone(), likelihood, code.clone()));
                    code_causes.push(fold_str(&cause.en));
                }
                advice.extend(e.advice.iter().cloned());
                severity = severity.max(Some(e.severity));
                unsafe_seen |= !e.safe_to_drive;
                safe_seen |= e.safe_to_drive;
                if let Some(c) = e.cost {
                    widen(&mut cost, c);
                }
                confidence = confidence.max(0.85);
            }
            None => {
                findings.push(CodeFinding {
                    code: code.clone(),
                    known: false,
                    system: sys.into(),
                    description: family(code).get(lang).to_owned(),
                    severity: None,
                    safe_to_drive: None,
                });
                confidence = confidence.max(0.5);
            }
        }
    }
    let mut matched = Vec::new();
    let mut shared = false;
    for rule in &kb.rules {
        let hits = rule.hits(&folded);
        if hits == 0 {
            continue;
        }
        matched.push(rule.key.clone());
        for (cause, likelihood) in &rule.causes {
            shared |= code_causes.contains(&fold_str(&cause.en));
            causes.push((cause.clone(), *likelihood, rule.key.clone()));
        }
        advice.extend(rule.advice.iter().cloned());
        severity = severity.max(Some(rule.severity));
        let safe = rule.safe_in(&folded);
        unsafe_seen |= !safe;
        safe_seen |= safe;
        widen(&mut cost, rule.cost);
        confidence = confidence.max((0.4 + 0.15 * (hits as f64 - 1.0)).min(0.8));
    }
    if shared && !findings.is_empty() {
        confidence = (confidence + 0.05).min(0.95);
    }
    let anything = !findings.is_empty() || !matched.is_empty();
    let flashing = ["flashing", "blinking", "clignote", "clignotant"]
        .iter()
        .any(|w| crate::text::occurs(&folded, w, false));
    if anything && flashing {
        severity = severity.max(Some(Severity::High));
    }
    // Identical causes merged at their highest likelihood, then ranked.
    let mut merged: Vec<(Tr, f64, String)> = Vec::new();
    for (cause, likelihood, from) in causes.into_iter().filter(|c| fits(&c.0.en, fuel)) {
        match merged.iter_mut().find(|(c, _, _)| c.en == cause.en) {
            Some(m) if m.1 < likelihood => {
                m.1 = likelihood;
                m.2 = from;
            }
            Some(_) => {}
            None => merged.push((cause, likelihood, from)),
        }
    }
    merged.sort_by(|a, b| b.1.total_cmp(&a.1));
    merged.truncate(5);
    let mut advice_texts: Vec<String> = Vec::new();
    for a in advice {
        let t = a.get(lang).to_owned();
        if !advice_texts.contains(&t) {
            advice_texts.push(t);
        }
    }
    let mut analysis = Analysis {
        source: "knowledge_base".into(),
        severity: if anything { severity } else { None },
        safe_to_drive: if unsafe_seen {
            Some(false)
        } else if safe_seen {
            Some(true)
        } else {
            None
        },
        confidence: round2(confidence),
        trouble_codes: findings,
        matched_symptoms: matched,
        probable_causes: merged
            .into_iter()
            .map(|(c, likelihood, from)| Cause {
                cause: c.get(lang).to_owned(),
                likelihood,
                from,
            })
            .collect(),
        advice: advice_texts,
        estimated_cost: cost.map(|(min, max)| CostRange {
            min,
            max,
            currency: "EUR".into(),
        }),
        generated_at: crate::db::ts(now),
        summary: String::new(),
    };
    analysis.summary = summary(&analysis, lang);
    analysis
}

/// The readable text: severity, codes, top causes, advice, cost.
fn summary(a: &Analysis, lang: Lang) -> String {
    if !a.matched() {
        return nothing_matched().get(lang).to_owned();
    }
    let fr = lang == Lang::Fr;
    let mut parts = Vec::new();
    if let Some(s) = a.severity {
        let drive = match a.safe_to_drive {
            Some(false) if fr => " Ne continuez pas à rouler.",
            Some(false) => " Do not keep driving.",
            Some(true) if fr => " Vous pouvez rouler avec prudence.",
            Some(true) => " You can drive on with care.",
            None => "",
        };
        parts.push(if fr {
            format!("Gravité : {}.{drive}", s.label().fr)
        } else {
            format!("Severity: {}.{drive}", s.label().en)
        });
    }
    for c in &a.trouble_codes {
        parts.push(match (c.known, fr) {
            (true, true) => format!("{} : {}.", c.code, c.description),
            (true, false) => format!("{}: {}.", c.code, c.description),
            (false, true) => format!("{} : code absent de la base ({}).", c.code, c.description),
            (false, false) => format!("{}: not in the knowledge base ({}).", c.code, c.description),
        });
    }
    if !a.probable_causes.is_empty() {
        let list: Vec<String> = a
            .probable_causes
            .iter()
            .take(3)
            .map(|c| format!("{} ({} %)", c.cause, (c.likelihood * 100.0).round()))
            .collect();
        parts.push(if fr {
            format!("Causes probables : {}.", list.join(", "))
        } else {
            format!("Probable causes: {}.", list.join(", "))
        });
    }
    parts.extend(a.advice.iter().cloned());
    if let Some(c) = &a.estimated_cost {
        parts.push(if fr {
            format!("Coût estimé : {}.", cost_text(c))
        } else {
            format!("Estimated cost: {}.", cost_text(c))
        });
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_in_text_in_odd_forms() {
        assert_eq!(
            codes_in_text("code p0 301 puis P0420, p0301"),
            ["P0301", "P0420"]
        );
        assert_eq!(codes_in_text("U01-00 and c0035"), ["U0100", "C0035"]);
        assert!(codes_in_text("en 2019 j'ai payé 300 euros").is_empty());
        assert!(codes_in_text("PB1234 P03011").is_empty());
    }

    #[test]
    fn causes_follow_the_vehicles_fuel_type() {
        let kb = Knowledge::load().expect("the knowledge base loads");
        let now = chrono::Utc::now();
        let causes = |fuel: Option<&str>| -> Vec<String> {
            analyze(&kb, "won't start in the morning", &[], fuel, Lang::En, now)
                .probable_causes
                .into_iter()
                .map(|c| c.cause)
                .collect()
        };
        let glow = |c: &Vec<String>| c.iter().any(|c| c.contains("Glow plugs"));
        assert!(glow(&causes(None)), "unknown fuel: every cause");
        assert!(glow(&causes(Some("diesel"))));
        assert!(
            !glow(&causes(Some("gasoline"))),
            "{:?}",
            causes(Some("gasoline"))
        );
        assert!(!glow(&causes(Some("electric"))));
        assert!(causes(Some("gasoline")).iter().any(|c| c == "Weak battery"));
        assert!(fits(
            "Worn spark plugs or a failing ignition coil (petrol)",
            Some("hybrid")
        ));
        assert!(!fits(
            "Worn spark plugs or a failing ignition coil (petrol)",
            Some("diesel")
        ));
    }
}
