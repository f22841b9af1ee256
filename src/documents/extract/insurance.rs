//! The fields of an insurance certificate (documents.md §6.4).

use super::*;

pub(super) const INSURER: &str =
    "societe d'assurance|compagnie d'assurance|compagnie|assureur|insurer";
pub(super) const CONTRACT: &str = "contrat #|# de contrat|# contrat|police #|# de police|police d'assurance #|policy number|policy #";
pub(super) const START_DATE: &str = "date d'effet|valable du|periode du|du|effective|from";
pub(super) const END_DATE: &str = "valable jusqu'au|jusqu'au|date d'echeance|echeance|date d'expiration|expire le|expire|\
    expires on|expires|until|au|to";
pub(super) const PLATE: &str = "immatriculation|immat|registration|plaque";
/// Known insurers, found by name when no label gives one.
pub(super) const INSURERS: &str = "Direct Assurance|AXA|Allianz|MAAF|MACIF|MAIF|Groupama|MMA|Generali|Matmut|GMF|Leocare|Ornikar|\
    MACSF|Aviva|Pacifica|Amaguiz|Thélem|Swiss Life|L'olivier Assurance|Euro-Assurance";

pub(super) fn insurance(doc: &[Line]) -> Vec<(&'static str, Hit)> {
    let insurer =
        labelled(doc, INSURER, |l, v, _| name_in(l, v, l.low.len(), 0.9, 2)).or_else(|| {
            // The earliest known name on the first line that has one.
            doc.iter().find_map(|l| {
                let names = INSURERS.split('|').filter_map(|name| {
                    let folded: String = name.chars().map(fold).collect();
                    find(&l.low, 0, &folded, true).map(|(a, e)| (a, e, name))
                });
                names
                    .min_by_key(|n| n.0)
                    .map(|(a, e, name)| hit(name, 0.5, l.text(a, e)))
            })
        });
    let contract = labelled(doc, CONTRACT, |l, v, _| ident_at(l, v, 0.9));
    let start = labelled(doc, START_DATE, |l, v, _| date_hit(l, v));
    let end = labelled(doc, END_DATE, |l, v, _| date_hit(l, v));
    let plate = labelled(doc, PLATE, |l, v, _| {
        plate_at(&l.low, v)
            .filter(|(_, _, ok)| *ok)
            .map(|(p, e, _)| hit(p, 0.9, l.text(v, e)))
    });
    keep([
        ("insurer", insurer),
        ("contract_number", contract),
        ("start_date", start),
        ("end_date", end),
        ("license_plate", plate),
    ])
}
