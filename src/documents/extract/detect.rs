//! Which kind of document a text is (documents.md §6.3), by weighted patterns.

use super::*;

/// §6.3 patterns per type in tie-break order: ';' between patterns, '|' between spellings of one pattern.
pub(super) const TYPE_PATTERNS: &str = "\
invoice: facture; invoice; total t.t.c; montant t.t.c; total h.t; t.v.a; # facture|# de facture|facture #; siret; net a payer
registration: certificat d'immatriculation; carte grise; date de premiere immatriculation; immatriculation
insurance: attestation d'assurance; carte verte; assureur; police d'assurance; contrat #|# de contrat; memo vehicule assure; insurance certificate
inspection: controle technique; proces-verbal; defaillance; prochain controle; centre de controle
maintenance: entretien; revision; vidange; plaquettes; pneus; distribution; maintenance";

/// Certificate labels that count as registration patterns, one hit each.
pub(super) const REG_DETECT_LABELS: [&str; 4] = ["c.1", "d.1", "d.3", "p.6"];

pub(super) fn detect(doc: &[Line]) -> (&'static str, f64) {
    // Phrases may be split over lines by OCR: search the whole text as one line.
    let all: Vec<char> = doc
        .iter()
        .flat_map(|l| l.low.iter().copied().chain([' ']))
        .collect();
    let mut best = ("other", 0usize);
    for (ty, patterns) in TYPE_PATTERNS.lines().filter_map(|l| l.split_once(": ")) {
        // Short patterns ("tva", "siret") must be whole words; longer ones may take an ending ("factures").
        let found = |p: &str| find(&all, 0, p, p.len() <= 5).is_some();
        let mut hits = patterns
            .split("; ")
            .filter(|alts| alts.split('|').any(found))
            .count();
        if ty == "registration" {
            let present = |lab: &str| {
                doc.iter()
                    .any(|l| (0..l.low.len()).any(|i| reg_label_at(&l.low, i, lab).is_some()))
            };
            hits += REG_DETECT_LABELS.iter().filter(|lab| present(lab)).count();
        }
        if hits > best.1 {
            best = (ty, hits);
        }
    }
    (best.0, round2((best.1 as f64 / 3.0).min(1.0)))
}
