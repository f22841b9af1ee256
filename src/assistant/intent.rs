//! What a question asks (assistant.md §5): the intent by its trigger words, the period it names, and the vehicle it
//! is about. Pure functions of the folded question (lower case, no accents).

use chrono::{Datelike, Duration, Months, NaiveDate};

use crate::i18n::Tr;
use crate::knowledge::Knowledge;
use crate::knowledge::analysis::codes_in_text;
use crate::text::{fold_str, occurs};
use crate::vehicles::model::VehicleRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    TroubleCode,
    Due,
    Costs,
    History,
    Expiry,
    Garage,
    Symptom,
    Vehicles,
    Unknown,
}

impl Intent {
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::TroubleCode => "trouble_code",
            Intent::Due => "due",
            Intent::Costs => "costs",
            Intent::History => "history",
            Intent::Expiry => "expiry",
            Intent::Garage => "garage",
            Intent::Symptom => "symptom",
            Intent::Vehicles => "vehicles",
            Intent::Unknown => "unknown",
        }
    }
}

/// Trigger words (folded), by intent in the contract's order. Words that also occur in other questions ("when",
/// "service", "ou") are weak: they decide only when no strong trigger of any intent is present.
const STRONG: &[(Intent, &[&str])] = &[
    (
        Intent::Due,
        &[
            "due",
            "next",
            "upcoming",
            "overdue",
            "prochain",
            "prochaine",
            "prochaines",
            "prochains",
            "a faire",
            "prevu",
            "prevue",
            "prevus",
            "a prevoir",
            "en retard",
        ],
    ),
    (
        Intent::Costs,
        &[
            "cost", "costs", "spent", "spend", "spending", "how much", "expense", "expenses",
            "price", "cout", "couts", "coute", "combien", "depense", "depenses", "prix", "budget",
        ],
    ),
    (
        Intent::History,
        &[
            "history",
            "what was done",
            "last",
            "historique",
            "qu'est-ce qui a ete fait",
            "qu'est ce qui a ete fait",
            "dernier",
            "derniere",
            "derniers",
            "dernieres",
        ],
    ),
    (
        Intent::Expiry,
        &[
            "expire",
            "expires",
            "expired",
            "expiry",
            "insurance",
            "inspection",
            "subscription",
            "renew",
            "renewal",
            "echeance",
            "assurance",
            "controle technique",
            "abonnement",
        ],
    ),
    (
        Intent::Garage,
        &[
            "garage",
            "garages",
            "mechanic",
            "mechanics",
            "near",
            "nearby",
            "mecanicien",
            "mecaniciens",
            "pres",
            "proche",
        ],
    ),
];

const WEAK: &[(Intent, &[&str])] = &[
    (
        Intent::Due,
        &["when", "service", "quand", "entretien", "revision"],
    ),
    (Intent::Garage, &["where"]),
];

const VEHICLES: &[&str] = &[
    "vehicles do i have",
    "cars do i have",
    "quels vehicules ai-je",
    "quelles voitures ai-je",
    "my cars",
    "my car",
    "my vehicles",
    "my vehicle",
    "mes voitures",
    "mes vehicules",
    "ma voiture",
    "mon vehicule",
];

fn any(folded: &str, words: &[&str]) -> bool {
    words.iter().any(|w| occurs(folded, w, true))
}

/// The first intent whose triggers occur (strong triggers before weak ones).
/// What a document or a contract is called: it names an expiry question even with a word of `due` in it
/// (« prochaine échéance d'assurance », "next inspection"), unless the question is about money.
const EXPIRY_NOUNS: &[&str] = &[
    "insurance",
    "subscription",
    "inspection",
    "assurance",
    "abonnement",
    "controle technique",
];

/// The contract's order (§5), read with two refinements: the words of `EXPIRY_NOUNS` outrank the generic words
/// of `due`, and a symptom phrase outranks the question words that occur in almost any sentence (`WEAK`: when,
/// service, where, quand, entretien, où…), so "squealing when I brake" is a symptom, not a due date.
pub fn detect(kb: &Knowledge, question: &str) -> Intent {
    if !codes_in_text(question).is_empty() {
        return Intent::TroubleCode;
    }
    let folded = fold_str(question);
    let without_periods = strip_periods(&folded);
    let costs = STRONG
        .iter()
        .any(|(i, words)| *i == Intent::Costs && any(&without_periods, words));
    if !costs && any(&without_periods, EXPIRY_NOUNS) {
        return Intent::Expiry;
    }
    for (intent, words) in STRONG {
        if any(&without_periods, words) {
            return *intent;
        }
    }
    if kb.rules.iter().any(|r| r.hits(&folded) > 0) {
        return Intent::Symptom;
    }
    for (intent, words) in WEAK {
        if any(&without_periods, words) {
            return *intent;
        }
    }
    // « où » is read before folding: folded it is « ou » (or), in half the French sentences.
    if occurs(&question.to_lowercase(), "où", true) {
        return Intent::Garage;
    }
    if any(&folded, VEHICLES) {
        return Intent::Vehicles;
    }
    Intent::Unknown
}

fn strip_periods(folded: &str) -> String {
    let mut s = folded.to_owned();
    for p in [
        "last year",
        "last month",
        "l'an dernier",
        "l'annee derniere",
        "le mois dernier",
        "dernier mois",
    ] {
        s = s.replace(p, " ");
    }
    // "last 6 months", "les 6 derniers mois"
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let next_num = words.get(i + 1).is_some_and(|w| w.parse::<u32>().is_ok());
        if words[i] == "last" && next_num {
            i += 2;
            continue;
        }
        if words[i].parse::<u32>().is_ok() && matches!(words.get(i + 1), Some(&"derniers")) {
            i += 2;
            continue;
        }
        out.push(words[i]);
        i += 1;
    }
    out.join(" ")
}

/// A period of service dates, both ends included, with its words for the answer.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: Tr,
}

fn months_back(today: NaiveDate, n: u32) -> NaiveDate {
    today.checked_sub_months(Months::new(n)).unwrap_or(today) + Duration::days(1)
}

/// The period the question names; the last 12 months by default.
pub fn period(question: &str, today: NaiveDate) -> Period {
    let f = fold_str(question);
    let year_start = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(today);
    let year_end = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(today);
    if any(&f, &["this month", "ce mois", "ce mois-ci"]) {
        let from = today.with_day(1).unwrap_or(today);
        return Period {
            from,
            to: today,
            label: Tr::new("this month", "ce mois-ci"),
        };
    }
    if any(
        &f,
        &[
            "last year",
            "l'an dernier",
            "l'annee derniere",
            "an dernier",
            "annee derniere",
        ],
    ) {
        let y = today.year() - 1;
        return Period {
            from: year_start(y),
            to: year_end(y),
            label: Tr::new(format!("in {y}"), format!("en {y}")),
        };
    }
    if any(&f, &["this year", "cette annee"]) {
        let y = today.year();
        return Period {
            from: year_start(y),
            to: today,
            label: Tr::new("this year", "cette année"),
        };
    }
    let words: Vec<&str> = f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(n) = w.parse::<u32>() else { continue };
        let en = i > 0
            && words[i - 1] == "last"
            && words.get(i + 1).is_some_and(|m| m.starts_with("month"));
        let fr = words.get(i + 1) == Some(&"derniers") && words.get(i + 2) == Some(&"mois");
        if (en || fr) && (1..=240).contains(&n) {
            return Period {
                from: months_back(today, n),
                to: today,
                label: Tr::new(
                    format!("over the last {n} months"),
                    format!("sur les {n} derniers mois"),
                ),
            };
        }
    }
    for w in &words {
        if w.len() == 4
            && let Ok(y) = w.parse::<i32>()
            && (1950..=today.year()).contains(&y)
        {
            return Period {
                from: year_start(y),
                to: year_end(y),
                label: Tr::new(format!("in {y}"), format!("en {y}")),
            };
        }
    }
    Period {
        from: months_back(today, 12),
        to: today,
        label: Tr::new("over the last 12 months", "sur les 12 derniers mois"),
    }
}

/// The vehicles a question is about: the one named by id, else those whose plate, make or model it mentions, else
/// all of them.
pub fn pick<'a>(
    vehicles: &'a [VehicleRow],
    question: &str,
    id: Option<i64>,
) -> Vec<&'a VehicleRow> {
    if let Some(id) = id {
        return vehicles.iter().filter(|v| v.id == id).collect();
    }
    let f = fold_str(question);
    let squeezed: String = f.chars().filter(|c| c.is_alphanumeric()).collect();
    let named: Vec<&VehicleRow> = vehicles
        .iter()
        .filter(|v| {
            let plate = v
                .license_plate
                .as_deref()
                .map(|p| {
                    fold_str(p)
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect::<String>()
                })
                .filter(|p| p.len() >= 4);
            plate.is_some_and(|p| squeezed.contains(&p)) || occurs(&f, &fold_str(&v.model), true)
        })
        .collect();
    if !named.is_empty() {
        return named;
    }
    let by_make: Vec<&VehicleRow> = vehicles
        .iter()
        .filter(|v| occurs(&f, &fold_str(&v.make), true))
        .collect();
    if !by_make.is_empty() {
        return by_make;
    }
    vehicles.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_follow_the_contract_order_with_its_refinements() {
        let kb = Knowledge::load().expect("the knowledge base loads");
        for (q, want) in [
            ("What is P0301?", Intent::TroubleCode),
            ("What is due on my Clio?", Intent::Due),
            ("How much did I spend last year?", Intent::Costs),
            ("Historique de ma 208", Intent::History),
            (
                "Quelles sont mes prochaines échéances d'assurance ?",
                Intent::Expiry,
            ),
            ("When is the next inspection?", Intent::Expiry),
            ("How much did the inspection cost last year?", Intent::Costs),
            ("Squealing noise when I brake", Intent::Symptom),
            ("Le moteur tremble ou cale au ralenti", Intent::Symptom),
            ("Où trouver un garage ?", Intent::Garage),
            ("Où réparer ma voiture ?", Intent::Garage),
            ("Quand faire la révision ?", Intent::Due),
            ("Mes voitures", Intent::Vehicles),
            ("Raconte-moi une blague", Intent::Unknown),
        ] {
            assert_eq!(detect(&kb, q), want, "{q}");
        }
    }

    #[test]
    fn periods() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let p = period("over the last 1 month", today);
        assert_eq!(
            (p.from, p.to),
            (NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), today)
        );
        let p = period("sur les 6 derniers mois", today);
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
        let p = period("l'an dernier", today);
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2025-01-01".into(), "2025-12-31".into())
        );
        let p = period("en 2024", today);
        assert_eq!(p.from.to_string(), "2024-01-01");
        let p = period("combien ?", today);
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    }
}
