//! Reading fields out of a JSON object with the contract's messages, collecting every field's errors before
//! answering one `validation_error` (README §3, §9).

use serde_json::{Map, Value};

use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::{Tr, msg};

pub struct Input {
    obj: Map<String, Value>,
    errors: FieldErrors,
}

impl Input {
    pub fn new(obj: Map<String, Value>) -> Input {
        Input {
            obj,
            errors: FieldErrors::new(),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.obj.contains_key(name)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn has_error(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    pub fn error(&mut self, field: &str, message: Tr) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push(message);
    }

    /// Text as sent: numbers are accepted as their decimal form; other types are refused.
    fn as_text(&mut self, name: &str) -> Option<Option<String>> {
        match self.obj.get(name) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Number(n)) => Some(Some(n.to_string())),
            Some(_) => {
                self.error(name, msg::not_a_string());
                Some(None)
            }
        }
    }

    /// A required text field, trimmed, at most `max` characters.
    pub fn text(&mut self, name: &str, max: usize) -> Option<String> {
        let was_wrong_type = self.has_error(name);
        match self.as_text(name) {
            None => {
                self.error(name, msg::required());
                None
            }
            Some(None) => {
                if !was_wrong_type && !self.has_error(name) {
                    self.error(name, msg::null());
                }
                None
            }
            Some(Some(s)) => {
                let s = s.trim().to_owned();
                if s.is_empty() {
                    self.error(name, msg::blank());
                    None
                } else if s.chars().count() > max {
                    self.error(name, msg::max_length(max));
                    None
                } else {
                    Some(s)
                }
            }
        }
    }

    /// An optional nullable text field: `None` when absent, `Some(None)` for null or blank.
    pub fn opt_text(&mut self, name: &str, max: usize) -> Option<Option<String>> {
        match self.as_text(name)? {
            None => Some(None),
            Some(s) => {
                let s = s.trim().to_owned();
                if s.is_empty() {
                    Some(None)
                } else if s.chars().count() > max {
                    self.error(name, msg::max_length(max));
                    None
                } else {
                    Some(Some(s))
                }
            }
        }
    }

    /// A required secret used byte-exactly (passwords, tokens): never trimmed.
    pub fn secret(&mut self, name: &str) -> Option<String> {
        match self.obj.get(name) {
            None => {
                self.error(name, msg::required());
                None
            }
            Some(Value::Null) => {
                self.error(name, msg::null());
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                self.error(name, msg::blank());
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.error(name, msg::not_a_string());
                None
            }
        }
    }

    /// An optional secret: `None` when absent, null or not a string.
    pub fn opt_secret(&self, name: &str) -> Option<String> {
        match self.obj.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    /// A required email address, trimmed and lower-cased.
    pub fn email(&mut self, name: &str) -> Option<String> {
        let value = self.text(name, 254)?;
        if is_valid_email(&value) {
            Some(value.to_lowercase())
        } else {
            self.error(name, msg::invalid_email());
            None
        }
    }

    /// One of `choices` (exact), or `None` when absent or null.
    pub fn opt_choice(&mut self, name: &str, choices: &[&str]) -> Option<String> {
        let value = self.opt_text(name, 100)??;
        if choices.contains(&value.as_str()) {
            Some(value)
        } else {
            self.error(name, msg::invalid_choice(&value));
            None
        }
    }

    /// An integer: a JSON integer or an integer string, within `min..=max`. `None` when absent (and `required`
    /// reports it) or invalid; `Some(None)` for null on an optional field.
    pub fn int(&mut self, name: &str, min: i64, max: i64, required: bool) -> Option<Option<i64>> {
        let value = match self.obj.get(name) {
            None => {
                if required {
                    self.error(name, msg::required());
                }
                return None;
            }
            Some(Value::Null) => {
                if required {
                    self.error(name, msg::null());
                    return None;
                }
                return Some(None);
            }
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            Some(_) => None,
        };
        match value {
            None => {
                self.error(name, msg::invalid_integer());
                None
            }
            Some(v) if v < min => {
                self.error(name, msg::min_value(min));
                None
            }
            Some(v) if v > max => {
                self.error(name, msg::max_value(max));
                None
            }
            Some(v) => Some(Some(v)),
        }
    }

    /// A number (floating point, for coordinates) within `min..=max`; `Some(None)` for null.
    pub fn number(&mut self, name: &str, min: f64, max: f64) -> Option<Option<f64>> {
        let value = match self.obj.get(name)? {
            Value::Null => return Some(None),
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        };
        match value {
            None => {
                self.error(
                    name,
                    Tr::new(
                        "A valid number is required.",
                        "Un nombre valide est requis.",
                    ),
                );
                None
            }
            Some(v) if v < min => {
                self.error(name, msg::min_value(min as i64));
                None
            }
            Some(v) if v > max => {
                self.error(name, msg::max_value(max as i64));
                None
            }
            Some(v) => Some(Some(v)),
        }
    }

    /// Money: a string or number with at most 2 decimals, stored exactly in cents; `Some(None)` for null or "".
    pub fn cents(&mut self, name: &str, max_cents: i64) -> Option<Option<i64>> {
        let raw = match self.obj.get(name)? {
            Value::Null => return Some(None),
            Value::String(s) if s.trim().is_empty() => return Some(None),
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.error(
                    name,
                    Tr::new(
                        "A valid number is required.",
                        "Un nombre valide est requis.",
                    ),
                );
                return None;
            }
        };
        match crate::money::parse_cents(&raw) {
            Err(m) => {
                self.error(name, m);
                None
            }
            Ok(c) if c < 0 => {
                self.error(name, msg::min_value(0));
                None
            }
            Ok(c) if c > max_cents => {
                self.error(name, msg::max_value(max_cents / 100));
                None
            }
            Ok(c) => Some(Some(c)),
        }
    }

    /// A boolean: JSON `true`/`false`, `0`/`1`, or the strings `true/false/1/0`.
    pub fn bool(&mut self, name: &str) -> Option<bool> {
        let parsed = match self.obj.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_i64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            self.error(name, msg::invalid_boolean());
        }
        parsed
    }

    /// A datetime (RFC 3339, a naive value taken as UTC, or a plain date at 00:00Z) in the stored format.
    pub fn datetime(&mut self, name: &str, required: bool) -> Option<Option<String>> {
        let text = if required {
            self.text(name, 64).map(Some)
        } else {
            self.opt_text(name, 64)
        }?;
        let Some(text) = text else { return Some(None) };
        match parse_datetime(&text) {
            Some(t) => Some(Some(crate::db::ts(t))),
            None => {
                self.error(
                    name,
                    Tr::new(
                        "Datetime has wrong format. Use ISO 8601.",
                        "Format de date/heure invalide. Utilisez ISO 8601.",
                    ),
                );
                None
            }
        }
    }

    /// An http(s) URL of at most `max` characters; `Some(None)` for null or blank.
    pub fn url(&mut self, name: &str, max: usize) -> Option<Option<String>> {
        let value = self.opt_text(name, max)?;
        if let Some(u) = &value
            && !is_valid_url(u)
        {
            self.error(
                name,
                Tr::new("Enter a valid URL.", "Saisissez une URL valide."),
            );
            return None;
        }
        Some(value)
    }

    /// A list of strings (each trimmed, 1..=`max_len` characters), at most `max_items`.
    pub fn string_list(
        &mut self,
        name: &str,
        max_items: usize,
        max_len: usize,
    ) -> Option<Vec<String>> {
        let items = match self.obj.get(name)? {
            Value::Array(items) => items.clone(),
            Value::Null => return Some(Vec::new()),
            _ => {
                self.error(
                    name,
                    Tr::new(
                        "Expected a list of items.",
                        "Une liste d'éléments est attendue.",
                    ),
                );
                return None;
            }
        };
        if items.len() > max_items {
            self.error(
                name,
                Tr::new(
                    format!("Ensure this field has no more than {max_items} elements."),
                    format!(
                        "Assurez-vous que ce champ ne contient pas plus de {max_items} éléments."
                    ),
                ),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) if !s.trim().is_empty() && s.trim().chars().count() <= max_len => {
                    out.push(s.trim().to_owned())
                }
                Value::String(s) if s.trim().is_empty() => {
                    self.error(name, msg::blank());
                    return None;
                }
                Value::String(_) => {
                    self.error(name, msg::max_length(max_len));
                    return None;
                }
                _ => {
                    self.error(name, msg::not_a_string());
                    return None;
                }
            }
        }
        Some(out)
    }

    /// A JSON object of at most `max_bytes` serialised.
    pub fn object(&mut self, name: &str, max_bytes: usize) -> Option<Map<String, Value>> {
        match self.obj.get(name)? {
            Value::Object(o) => {
                if serde_json::to_string(o)
                    .map(|s| s.len())
                    .unwrap_or(usize::MAX)
                    > max_bytes
                {
                    self.error(
                        name,
                        Tr::new(
                            format!("Ensure this object is at most {} KiB.", max_bytes / 1024),
                            format!(
                                "Assurez-vous que cet objet ne dépasse pas {} Kio.",
                                max_bytes / 1024
                            ),
                        ),
                    );
                    None
                } else {
                    Some(o.clone())
                }
            }
            _ => {
                self.error(
                    name,
                    Tr::new("Expected an object.", "Un objet est attendu."),
                );
                None
            }
        }
    }

    /// The validation error collected so far, if any (the reading may go on afterwards).
    pub fn take_error(&mut self) -> Option<AppError> {
        (!self.errors.is_empty()).then(|| AppError::validation(std::mem::take(&mut self.errors)))
    }

    /// Ends the reading: every collected error at once, or `Ok`.
    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::validation(self.errors))
        }
    }
}

/// RFC 3339 (`Z` or an offset), a naive datetime (taken as UTC), or a plain date (00:00Z that day).
pub fn parse_datetime(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{NaiveDate, NaiveDateTime, Utc};
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// An absolute http or https URL with a host and no spaces.
pub fn is_valid_url(s: &str) -> bool {
    let rest = match s.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest
        }
        _ => return false,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !host.starts_with(':')
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain of letters, digits and hyphens.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || local.contains('@') || domain.len() > 253 {
        return false;
    }
    if s.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\\')
    }) {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> Input {
        Input::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn text_rules() {
        let mut i =
            input(json!({"a": "  x ", "b": "", "c": null, "d": true, "e": "toolong", "f": 12}));
        assert_eq!(i.text("a", 10).as_deref(), Some("x"));
        assert_eq!(i.text("b", 10), None);
        assert_eq!(i.text("c", 10), None);
        assert_eq!(i.text("d", 10), None);
        assert_eq!(i.text("e", 3), None);
        assert_eq!(i.text("f", 3).as_deref(), Some("12"));
        assert_eq!(i.text("missing", 3), None);
        let err = i.finish().unwrap_err();
        let errors = err.errors.unwrap();
        assert_eq!(errors["b"][0], msg::blank());
        assert_eq!(errors["c"][0], msg::null());
        assert_eq!(errors["d"], vec![msg::not_a_string()]);
        assert_eq!(errors["e"][0], msg::max_length(3));
        assert_eq!(errors["missing"][0], msg::required());
    }

    #[test]
    fn optional_text_blank_is_null() {
        let mut i = input(json!({"a": "", "b": " y "}));
        assert_eq!(i.opt_text("a", 5), Some(None));
        assert_eq!(i.opt_text("b", 5), Some(Some("y".into())));
        assert_eq!(i.opt_text("c", 5), None);
        assert!(i.finish().is_ok());
    }

    #[test]
    fn numbers_money_booleans_dates() {
        let mut i = input(
            json!({"y": "2019", "z": 1.5, "big": 3000, "c": "12.5", "c3": 1.234, "n": -1, "b": "TRUE", "bx": "yes",
            "d": "2026-04-02", "dt": "2026-04-02T10:15:30+02:00", "bad": "02/04/2026", "u": "https://x.fr/a", "ux": "ftp://x"}),
        );
        assert_eq!(i.int("y", 1900, 2100, true), Some(Some(2019)));
        assert_eq!(i.int("z", 0, 10, true), None);
        assert_eq!(i.int("big", 1900, 2100, true), None);
        assert_eq!(i.cents("c", 100_000), Some(Some(1250)));
        assert_eq!(i.cents("c3", 100_000), None);
        assert_eq!(i.cents("n", 100_000), None);
        assert_eq!(i.bool("b"), Some(true));
        assert_eq!(i.bool("bx"), None);
        assert_eq!(
            i.datetime("d", true),
            Some(Some("2026-04-02T00:00:00.000000Z".into()))
        );
        assert_eq!(
            i.datetime("dt", true),
            Some(Some("2026-04-02T08:15:30.000000Z".into()))
        );
        assert_eq!(i.datetime("bad", true), None);
        assert_eq!(i.url("u", 200), Some(Some("https://x.fr/a".into())));
        assert_eq!(i.url("ux", 200), None);
        let errors = i.finish().unwrap_err().errors.unwrap();
        assert_eq!(errors["z"][0], msg::invalid_integer());
        assert_eq!(errors["big"][0], msg::max_value(2100));
        assert_eq!(
            errors["c3"][0].en,
            "Ensure that there are no more than 2 decimal places."
        );
        assert_eq!(errors["n"][0], msg::min_value(0));
        assert_eq!(errors["bx"][0], msg::invalid_boolean());
        assert!(errors.contains_key("bad") && errors.contains_key("ux"));
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("amal@example.com"));
        assert!(is_valid_email("a.b+c@sub.example.fr"));
        for bad in [
            "",
            "a",
            "a@",
            "@b.c",
            "a@b",
            "a b@c.d",
            "a@b..c",
            "a@-b.c",
            ".a@b.c",
            "a@b.c,d@e.f",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
