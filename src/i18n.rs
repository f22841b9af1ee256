//! Languages and localised texts: every human-readable text the server produces exists in English and French.

use axum::http::HeaderMap;

/// A response language. Spanish users are served in English (settings.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// Maps a stored setting (`en`, `fr`, `es`) to the language texts are written in.
    pub fn from_setting(value: &str) -> Lang {
        if value.eq_ignore_ascii_case("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The first of `fr`/`en` in `Accept-Language`, by quality; `None` when neither is listed.
    pub fn from_accept_language(headers: &HeaderMap) -> Option<Lang> {
        let raw = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)?
            .to_str()
            .ok()?;
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, part) in raw.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "fr" => Lang::Fr,
                "en" => Lang::En,
                _ => continue,
            };
            if quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, p, _)) => quality > q || (quality == q && pos < p),
            };
            if better {
                best = Some((quality, pos, lang));
            }
        }
        best.map(|(_, _, l)| l)
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tr {
    pub en: String,
    pub fr: String,
}

impl Tr {
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> Tr {
        Tr {
            en: en.into(),
            fr: fr.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// The common field messages of the contract (README §9), in one place.
pub mod msg {
    use super::Tr;

    pub fn required() -> Tr {
        Tr::new("This field is required.", "Ce champ est obligatoire.")
    }
    pub fn blank() -> Tr {
        Tr::new(
            "This field may not be blank.",
            "Ce champ ne peut pas être vide.",
        )
    }
    pub fn null() -> Tr {
        Tr::new(
            "This field may not be null.",
            "Ce champ ne peut pas être nul.",
        )
    }
    pub fn not_a_string() -> Tr {
        Tr::new("Not a valid string.", "Chaîne de caractères invalide.")
    }
    pub fn max_length(n: usize) -> Tr {
        Tr::new(
            format!("Ensure this field has no more than {n} characters."),
            format!("Assurez-vous que ce champ ne dépasse pas {n} caractères."),
        )
    }
    pub fn invalid_integer() -> Tr {
        Tr::new(
            "A valid integer is required.",
            "Un nombre entier valide est requis.",
        )
    }
    pub fn invalid_boolean() -> Tr {
        Tr::new("Must be a valid boolean.", "Doit être un booléen valide.")
    }
    pub fn min_value(n: i64) -> Tr {
        Tr::new(
            format!("Ensure this value is greater than or equal to {n}."),
            format!("Assurez-vous que cette valeur est supérieure ou égale à {n}."),
        )
    }
    pub fn max_value(n: i64) -> Tr {
        Tr::new(
            format!("Ensure this value is less than or equal to {n}."),
            format!("Assurez-vous que cette valeur est inférieure ou égale à {n}."),
        )
    }
    pub fn invalid_choice(value: &str) -> Tr {
        Tr::new(
            format!("\"{value}\" is not a valid choice."),
            format!("« {value} » n'est pas un choix valide."),
        )
    }
    pub fn invalid_email() -> Tr {
        Tr::new(
            "Enter a valid email address.",
            "Saisissez une adresse e-mail valide.",
        )
    }
    pub fn invalid_phone() -> Tr {
        Tr::new(
            "Enter a valid phone number.",
            "Saisissez un numéro de téléphone valide.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(v).unwrap(),
        );
        h
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Lang::from_accept_language(&headers("fr-FR,fr;q=0.9,en;q=0.8")),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language(&headers("de, en;q=0.5, fr;q=0.7")),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language(&headers("en-GB, fr")),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language(&headers("de, es")), None);
        assert_eq!(Lang::from_accept_language(&headers("fr;q=0")), None);
    }
}
