//! Fields that hold more than one value: string lists and free-form objects.

use serde_json::{Map, Value};

use super::Input;
use crate::i18n::{Tr, msg};

impl Input {
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
}
