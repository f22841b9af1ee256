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

    /// Ends the reading: every collected error at once, or `Ok`.
    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::validation(self.errors))
        }
    }
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
