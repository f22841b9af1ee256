//! Reading a plan body into a checked change, and applying it to the stored plan (or a new plan's defaults).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::model::{Limits, PlanRow, PlanTexts};
use crate::http::validate::Input;
use crate::i18n::{Tr, msg};

/// A plan body as read: the members given, checked.
#[derive(Debug, Default)]
pub struct PlanChange {
    code: Option<String>,
    name: Option<String>,
    description: Option<Option<String>>,
    monthly_price: Option<i64>,
    yearly_price: Option<i64>,
    currency: Option<String>,
    yearly_discount: Option<i64>,
    is_popular: Option<bool>,
    badge: Option<Option<String>>,
    color_accent: Option<String>,
    highlights: Option<Vec<String>>,
    features: Option<Vec<String>>,
    translations: Option<BTreeMap<String, PlanTexts>>,
    limits: [Option<i64>; 5],
    ai_assistant: Option<bool>,
    ai_diagnostic: Option<bool>,
    stripe_price_id: Option<Option<String>>,
    is_active: Option<bool>,
    sort_order: Option<i64>,
}

const LIMIT_KEYS: [&str; 5] = [
    "vehicles",
    "documents",
    "storage_mb",
    "maintenances_per_month",
    "diagnostics_per_month",
];

/// A million a month is more than any plan: above it, a typo.
const MAX_CENTS: i64 = 100_000_000;

fn pattern_error(input: &mut Input, name: &str, en: &str, fr: &str) {
    input.error(name, Tr::new(en, fr));
}

/// Reads a body: `creating` (POST) requires `code`; `full` (POST, PUT) requires `name`, `monthly_price` and all
/// limits. `code` is read only on create, and ignored afterwards.
pub fn parse(body: Map<String, Value>, creating: bool, full: bool) -> (Input, PlanChange) {
    let limits = body.get("limits").cloned();
    let translations = body.get("translations").cloned();
    let mut input = Input::new(body);
    let mut c = PlanChange::default();
    let need = |input: &Input, name: &str| full || input.has(name);
    if creating {
        c.code = input.text("code", 50);
        if let Some(code) = &c.code
            && !code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            pattern_error(
                &mut input,
                "code",
                "Use only lower-case letters, digits, _ and -.",
                "Utilisez uniquement des minuscules, des chiffres, _ et -.",
            );
            c.code = None;
        }
    }
    if need(&input, "name") {
        c.name = input.text("name", 100);
    }
    c.description = input.opt_text("description", 1000);
    if need(&input, "monthly_price") {
        match input.cents("monthly_price", MAX_CENTS) {
            None if !input.has("monthly_price") => input.error("monthly_price", msg::required()),
            None => {}
            Some(None) => input.error("monthly_price", msg::null()),
            Some(Some(cents)) => c.monthly_price = Some(cents),
        }
    }
    if input.has("yearly_price") {
        c.yearly_price = input
            .cents("yearly_price", MAX_CENTS)
            .map(|v| v.unwrap_or(0));
    }
    if input.has("currency") {
        c.currency = input.text("currency", 3).map(|s| s.to_ascii_uppercase());
        if let Some(cur) = &c.currency
            && !(cur.len() == 3 && cur.bytes().all(|b| b.is_ascii_uppercase()))
        {
            pattern_error(
                &mut input,
                "currency",
                "Use a 3-letter ISO 4217 code, such as EUR.",
                "Utilisez un code ISO 4217 de 3 lettres, comme EUR.",
            );
            c.currency = None;
        }
    }
    c.yearly_discount = input.int("yearly_discount", 0, 100, false).flatten();
    c.is_popular = input.bool("is_popular");
    c.badge = input.opt_text("badge", 50);
    if input.has("color_accent") {
        c.color_accent = input.text("color_accent", 7);
        if let Some(color) = &c.color_accent
            && !(color.len() == 7
                && color.starts_with('#')
                && color[1..].bytes().all(|b| b.is_ascii_hexdigit()))
        {
            pattern_error(
                &mut input,
                "color_accent",
                "Use a colour of the form #RRGGBB.",
                "Utilisez une couleur de la forme #RRGGBB.",
            );
            c.color_accent = None;
        }
    }
    c.highlights = input.string_list("highlights", 10, 200);
    c.features = input.string_list("features", 10, 200);
    if let Some(t) = translations {
        c.translations = read_translations(&mut input, t);
    }
    read_limits(&mut input, limits, full, &mut c.limits);
    c.ai_assistant = input.bool("ai_assistant");
    c.ai_diagnostic = input.bool("ai_diagnostic");
    c.stripe_price_id = input.opt_text("stripe_price_id", 255);
    if let Some(Some(price)) = &c.stripe_price_id
        && !price.starts_with("price_")
    {
        pattern_error(
            &mut input,
            "stripe_price_id",
            "A Stripe price id starts with price_.",
            "Un identifiant de prix Stripe commence par price_.",
        );
    }
    c.is_active = input.bool("is_active");
    c.sort_order = input
        .int("sort_order", -1_000_000, 1_000_000, false)
        .flatten();
    (input, c)
}

fn read_limits(input: &mut Input, limits: Option<Value>, full: bool, out: &mut [Option<i64>; 5]) {
    let obj = match limits {
        None if full => {
            input.error("limits", msg::required());
            return;
        }
        None => return,
        Some(Value::Object(o)) => o,
        Some(_) => {
            input.error(
                "limits",
                Tr::new("Expected an object.", "Un objet est attendu."),
            );
            return;
        }
    };
    for (i, key) in LIMIT_KEYS.iter().enumerate() {
        match obj.get(*key) {
            None if full => input.error(
                "limits",
                Tr::new(
                    format!("{key}: This field is required."),
                    format!("{key} : Ce champ est obligatoire."),
                ),
            ),
            None => {}
            Some(v) => match v.as_i64().filter(|n| *n >= -1 && *n <= 1_000_000_000) {
                Some(n) => out[i] = Some(n),
                None => input.error(
                    "limits",
                    Tr::new(
                        format!("{key}: an integer of at least -1 is required (-1 = unlimited)."),
                        format!(
                            "{key} : un entier supérieur ou égal à -1 est requis (-1 = illimité)."
                        ),
                    ),
                ),
            },
        }
    }
}

/// `translations`: `en` and `fr` only, each member with the base field's rules.
fn read_translations(input: &mut Input, value: Value) -> Option<BTreeMap<String, PlanTexts>> {
    let bad =
        |input: &mut Input, en: String, fr: String| input.error("translations", Tr::new(en, fr));
    let Ok(map) = serde_json::from_value::<BTreeMap<String, PlanTexts>>(value) else {
        bad(
            input,
            "Expected {\"en\": {…}, \"fr\": {…}} with name, description, badge (strings), highlights and features (lists of strings).".into(),
            "Attendu : {\"en\": {…}, \"fr\": {…}} avec name, description, badge (textes), highlights et features (listes de textes).".into(),
        );
        return None;
    };
    let before = input.has_error("translations");
    for (lang, t) in &map {
        if lang != "en" && lang != "fr" {
            bad(
                input,
                format!("Unknown language {lang:?}: use en or fr."),
                format!("Langue inconnue {lang:?} : utilisez en ou fr."),
            );
        }
        let long =
            |s: &Option<String>, max: usize| s.as_ref().is_some_and(|s| s.chars().count() > max);
        for (field, too_long, max) in [
            (
                "name",
                long(&t.name, 100) || t.name.as_ref().is_some_and(|n| n.trim().is_empty()),
                100,
            ),
            ("description", long(&t.description, 1000), 1000),
            ("badge", long(&t.badge, 50), 50),
        ] {
            if too_long {
                bad(
                    input,
                    format!("{lang}.{field}: between 1 and {max} characters."),
                    format!("{lang}.{field} : entre 1 et {max} caractères."),
                );
            }
        }
        for (field, list) in [("highlights", &t.highlights), ("features", &t.features)] {
            if let Some(items) = list
                && (items.len() > 10
                    || items
                        .iter()
                        .any(|s| s.trim().is_empty() || s.chars().count() > 200))
            {
                bad(
                    input,
                    format!("{lang}.{field}: at most 10 items of 1 to 200 characters."),
                    format!("{lang}.{field} : au plus 10 éléments de 1 à 200 caractères."),
                );
            }
        }
    }
    (input.has_error("translations") == before).then_some(map)
}

impl PlanChange {
    /// The plan after the change: `base` is the stored plan, or a blank one with the defaults on create.
    pub fn apply(self, mut p: PlanRow) -> PlanRow {
        let set = |slot: &mut i64, v: Option<i64>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        if let Some(code) = self.code {
            p.code = code;
        }
        if let Some(name) = self.name {
            p.name = name;
        }
        if let Some(d) = self.description {
            p.description = d;
        }
        set(&mut p.monthly_price_cents, self.monthly_price);
        set(&mut p.yearly_price_cents, self.yearly_price);
        if let Some(c) = self.currency {
            p.currency = c;
        }
        set(&mut p.yearly_discount, self.yearly_discount);
        p.is_popular = self.is_popular.unwrap_or(p.is_popular);
        if let Some(b) = self.badge {
            p.badge = b;
        }
        if let Some(c) = self.color_accent {
            p.color_accent = c;
        }
        p.highlights = self.highlights.unwrap_or(p.highlights);
        p.features = self.features.unwrap_or(p.features);
        p.translations = self.translations.unwrap_or(p.translations);
        let [v, d, s, m, g] = self.limits;
        set(&mut p.limits.vehicles, v);
        set(&mut p.limits.documents, d);
        set(&mut p.limits.storage_mb, s);
        set(&mut p.limits.maintenances_per_month, m);
        set(&mut p.limits.diagnostics_per_month, g);
        p.ai_assistant = self.ai_assistant.unwrap_or(p.ai_assistant);
        p.ai_diagnostic = self.ai_diagnostic.unwrap_or(p.ai_diagnostic);
        if let Some(price) = self.stripe_price_id {
            p.stripe_price_id = price;
        }
        p.is_active = self.is_active.unwrap_or(p.is_active);
        set(&mut p.sort_order, self.sort_order);
        p
    }
}

/// A new plan's defaults (billing.md §2.2).
pub fn blank(now: &str) -> PlanRow {
    PlanRow {
        id: 0,
        code: String::new(),
        name: String::new(),
        description: None,
        monthly_price_cents: 0,
        yearly_price_cents: 0,
        currency: "EUR".into(),
        yearly_discount: 0,
        is_popular: false,
        badge: None,
        color_accent: "#64748B".into(),
        highlights: Vec::new(),
        features: Vec::new(),
        translations: BTreeMap::new(),
        limits: Limits {
            vehicles: 0,
            documents: 0,
            storage_mb: 0,
            maintenances_per_month: 0,
            diagnostics_per_month: 0,
        },
        ai_assistant: false,
        ai_diagnostic: false,
        stripe_price_id: None,
        is_active: true,
        sort_order: 0,
        created_at: now.to_owned(),
        updated_at: now.to_owned(),
    }
}
