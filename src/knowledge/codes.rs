//! Trouble codes: the table of `assets/kb/trouble_codes.tsv` (texts shared through `texts.tsv`), the
//! normalisation of what users type, and the family description of a well-formed code the table lacks.

use std::collections::HashMap;

use anyhow::{Context, bail};

use super::Severity;
use crate::i18n::Tr;

#[derive(Debug, Clone)]
pub struct CodeEntry {
    pub code: String,
    pub description: Tr,
    pub causes: Vec<Tr>,
    pub advice: Vec<Tr>,
    pub severity: Severity,
    pub safe_to_drive: bool,
    pub cost: Option<(i64, i64)>,
}

/// Upper case without spaces and dashes; `Some` only for the form `[PBCU][0-9A-F]{4}`.
pub fn normalize_code(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    well_formed(&code).then_some(code)
}

fn well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && matches!(b[0], b'P' | b'B' | b'C' | b'U')
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
}

/// Generic (standard) rather than manufacturer-specific, by the second character (assistant.md §2).
pub fn is_generic(code: &str) -> bool {
    match code.as_bytes().get(1) {
        Some(b'0' | b'2') => true,
        Some(b'3') => code.starts_with('P') && code[1..] >= *"3400" && code[1..] < *"3500",
        _ => false,
    }
}

pub fn system(code: &str) -> (&'static str, Tr) {
    match code.as_bytes().first() {
        Some(b'B') => ("body", Tr::new("body", "carrosserie")),
        Some(b'C') => ("chassis", Tr::new("chassis", "châssis")),
        Some(b'U') => ("network", Tr::new("network", "réseau")),
        _ => ("powertrain", Tr::new("powertrain", "groupe motopropulseur")),
    }
}

/// What the code's form says when the table does not know it: system, generic or not, and (P codes) the area.
pub fn family(code: &str) -> Tr {
    let (_, sys) = system(code);
    let kind = if is_generic(code) {
        Tr::new("generic code", "code générique")
    } else {
        Tr::new(
            "manufacturer-specific code",
            "code spécifique au constructeur",
        )
    };
    let area = if code.starts_with('P') {
        match code.as_bytes().get(2) {
            Some(b'0'..=b'2') => Some(Tr::new("fuel and air metering", "dosage air-carburant")),
            Some(b'3') => Some(Tr::new("ignition, misfire", "allumage, ratés")),
            Some(b'4') => Some(Tr::new(
                "auxiliary emission controls",
                "contrôle des émissions",
            )),
            Some(b'5') => Some(Tr::new(
                "speed and idle control",
                "régulation vitesse et ralenti",
            )),
            Some(b'6') => Some(Tr::new(
                "computer and output circuits",
                "calculateur et sorties",
            )),
            Some(b'7'..=b'9') => Some(Tr::new("transmission", "transmission")),
            Some(b'A') => Some(Tr::new("hybrid propulsion", "propulsion hybride")),
            _ => None,
        }
    } else {
        None
    };
    let en = match &area {
        Some(a) => format!("{} {}, {}: {}", capital(&sys.en), "system", kind.en, a.en),
        None => format!("{} system, {}", capital(&sys.en), kind.en),
    };
    let fr = match &area {
        Some(a) => format!("{} ({}) : {}", capital(&kind.fr), sys.fr, a.fr),
        None => format!("{} ({})", capital(&kind.fr), sys.fr),
    };
    Tr::new(en, fr)
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Rows of a tab-separated file after its header, with their line numbers; the header must be `header`.
pub(super) fn rows<'a>(
    name: &'a str,
    text: &'a str,
    header: &str,
) -> anyhow::Result<impl Iterator<Item = (usize, Vec<&'a str>)> + 'a> {
    let mut lines = text.lines().enumerate();
    let first = lines.next().map(|(_, l)| l).unwrap_or("");
    if first != header {
        bail!("{name}: the header must be {header:?}");
    }
    let columns = header.split('\t').count();
    Ok(lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(move |(i, l)| {
            let mut cells: Vec<&str> = l.split('\t').collect();
            cells.resize(columns, "");
            (i + 1, cells)
        }))
}

pub(super) fn parse(texts: &str, table: &str) -> anyhow::Result<HashMap<String, CodeEntry>> {
    let mut words: HashMap<&str, Tr> = HashMap::new();
    for (line, c) in rows("texts.tsv", texts, "key\ten\tfr")? {
        if c[0].is_empty() || c[1].is_empty() || c[2].is_empty() {
            bail!("texts.tsv line {line}: empty key or text");
        }
        if words.insert(c[0], Tr::new(c[1], c[2])).is_some() {
            bail!("texts.tsv line {line}: duplicate key {}", c[0]);
        }
    }
    let lookup = |line: usize, keys: &str, prefix: &str| -> anyhow::Result<Vec<Tr>> {
        keys.split_whitespace()
            .map(|k| {
                if !k.starts_with(prefix) {
                    bail!("trouble_codes.tsv line {line}: {k} is not a {prefix}* key");
                }
                words
                    .get(k)
                    .cloned()
                    .with_context(|| format!("trouble_codes.tsv line {line}: unknown text key {k}"))
            })
            .collect()
    };
    let mut out = HashMap::new();
    let header = "code\tseverity\tsafe\tcost_min\tcost_max\tcauses\tadvice\ten\tfr";
    for (line, c) in rows("trouble_codes.tsv", table, header)? {
        let at = || format!("trouble_codes.tsv line {line}");
        if !well_formed(c[0]) || !is_generic(c[0]) {
            bail!(
                "{}: {:?} is not a generic code [PBCU][0-9A-F]{{4}}",
                at(),
                c[0]
            );
        }
        let severity =
            Severity::parse(c[1]).with_context(|| format!("{}: severity {:?}", at(), c[1]))?;
        let safe_to_drive = match c[2] {
            "yes" => true,
            "no" => false,
            other => bail!("{}: safe must be yes or no, not {other:?}", at()),
        };
        let cost = match (c[3], c[4]) {
            ("", "") => None,
            (a, b) => {
                let (a, b): (i64, i64) = (
                    a.parse().with_context(|| format!("{}: cost_min", at()))?,
                    b.parse().with_context(|| format!("{}: cost_max", at()))?,
                );
                if a < 0 || a > b {
                    bail!("{}: costs {a}–{b}", at());
                }
                Some((a, b))
            }
        };
        let causes = lookup(line, c[5], "cause.")?;
        if causes.is_empty() {
            bail!("{}: no cause", at());
        }
        if c[7].is_empty() || c[8].is_empty() {
            bail!("{}: empty description", at());
        }
        let entry = CodeEntry {
            code: c[0].to_owned(),
            description: Tr::new(c[7], c[8]),
            causes,
            advice: lookup(line, c[6], "advice.")?,
            severity,
            safe_to_drive,
            cost,
        };
        if out.insert(entry.code.clone(), entry).is_some() {
            bail!("{}: duplicate code {}", at(), c[0]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalized_and_described_by_family() {
        assert_eq!(normalize_code(" p0-301 ").as_deref(), Some("P0301"));
        assert_eq!(normalize_code("u 0100").as_deref(), Some("U0100"));
        assert_eq!(normalize_code("P030"), None);
        assert_eq!(normalize_code("X0301"), None);
        assert_eq!(normalize_code("P0G01"), None);
        assert!(is_generic("P0301") && is_generic("P2002") && is_generic("P3400"));
        assert!(!is_generic("P1234") && !is_generic("P3000") && !is_generic("B1000"));
        assert_eq!(
            family("P1351").en,
            "Powertrain system, manufacturer-specific code: ignition, misfire"
        );
        assert_eq!(family("C0999").fr, "Code générique (châssis)");
    }
}
