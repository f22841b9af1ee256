//! Reading fields out of a JSON object with the contract's messages, collecting every field's errors before
//! answering one `validation_error` (README §3, §9).

use serde_json::{Map, Value};

use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::{Tr, msg};

mod compound;
mod formats;
pub use formats::{is_valid_email, is_valid_url, parse_datetime};

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
    fn datetimes_stay_within_four_digit_years() {
        // Found by the properties below: these were accepted and stored as `+12345-…`, `-0001-…`, `+10000-…`.
        for bad in [
            "+12345-01-01",
            "-1-1-1",
            "+10000-01-01T00:00:00",
            "9999-12-31T23:30:00-01:00",
            "0000-01-01T00:30:00+01:00",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert!(parse_datetime("9999-12-31T23:30:00+01:00").is_some());
        assert!(parse_datetime("0000-01-01T00:30:00-01:00").is_some());
    }

    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
    use proptest::prelude::*;

    /// A real calendar datetime with the edges of the four-digit range and of days over-represented.
    fn edgy_naive() -> impl Strategy<Value = NaiveDateTime> {
        let year = prop_oneof![0i32..=9999, Just(0), Just(9999), 1969i32..=1971];
        let month = prop_oneof![1u32..=12, Just(1), Just(12)];
        let day = prop_oneof![1u32..=31, Just(1), Just(31)];
        let hour = prop_oneof![0u32..24, Just(0), Just(23)];
        (
            year,
            month,
            day,
            hour,
            0u32..60,
            0u32..60,
            0u32..1_000_000_000,
        )
            .prop_filter_map("a real calendar day", |(y, mo, d, h, mi, s, ns)| {
                NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_nano_opt(h, mi, s, ns)
            })
    }

    /// `t` cut to `digits` decimals of a second.
    fn cut(t: NaiveDateTime, digits: u32) -> NaiveDateTime {
        let unit = 10u32.pow(9 - digits);
        t.with_nanosecond(t.nanosecond() / unit * unit).unwrap()
    }

    fn fraction(t: NaiveDateTime, digits: u32) -> String {
        let ns = format!("{:09}", t.nanosecond());
        if digits == 0 {
            String::new()
        } else {
            format!(".{}", &ns[..digits as usize])
        }
    }

    /// What storing and reading back must keep: a 27-character stored form that parses to the same instant
    /// (to the microsecond), inside the four-digit years.
    fn storable(t: DateTime<Utc>) -> Result<(), TestCaseError> {
        let stored = crate::db::ts(t);
        prop_assert_eq!(stored.len(), 27, "{}", stored);
        prop_assert!((0..=9999).contains(&t.year()), "{}", stored);
        let micro = t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap();
        prop_assert_eq!(crate::db::parse_ts(&stored), Some(micro), "{}", stored);
        Ok(())
    }

    proptest! {
        #[test]
        fn prop_rfc3339_offsets_convert_to_utc(
            local in edgy_naive(),
            offset_min in prop_oneof![-1439i32..=1439, Just(0), Just(-1439), Just(1439)],
            digits in 0u32..=9,
            zulu in any::<bool>(),
            pad in "[ \t]{0,2}",
        ) {
            let offset = if offset_min == 0 && zulu {
                "Z".to_owned()
            } else {
                let sign = if offset_min < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", offset_min.abs() / 60, offset_min.abs() % 60)
            };
            let text = format!("{pad}{}{}{offset}{pad}", local.format("%Y-%m-%dT%H:%M:%S"), fraction(local, digits));
            let utc = (cut(local, digits) - chrono::Duration::minutes(i64::from(offset_min))).and_utc();
            let got = parse_datetime(&text);
            if (0..=9999).contains(&utc.year()) {
                prop_assert_eq!(got, Some(utc), "{:?}", text);
                storable(utc)?;
            } else {
                // Outside the stored four-digit years (offsets at 0000-01-01 or 9999-12-31): refused.
                prop_assert_eq!(got, None, "{:?}", text);
            }
        }

        #[test]
        fn prop_naive_datetimes_and_dates_are_utc(
            t in edgy_naive(),
            form in 0usize..6,
            digits in 1u32..=9,
        ) {
            let (text, expected) = match form {
                0 => (format!("{}{}", t.format("%Y-%m-%dT%H:%M:%S"), fraction(t, digits)), cut(t, digits)),
                1 => (t.format("%Y-%m-%dT%H:%M:%S").to_string(), cut(t, 0)),
                2 => (t.format("%Y-%m-%dT%H:%M").to_string(), cut(t, 0).with_second(0).unwrap()),
                3 => (format!("{}{}", t.format("%Y-%m-%d %H:%M:%S"), fraction(t, digits)), cut(t, digits)),
                4 => (t.format("%Y-%m-%d %H:%M:%S").to_string(), cut(t, 0)),
                _ => (t.format("%Y-%m-%d").to_string(), t.date().and_hms_opt(0, 0, 0).unwrap()),
            };
            prop_assert_eq!(parse_datetime(&text), Some(expected.and_utc()), "{:?}", text);
            storable(expected.and_utc())?;
        }

        /// Date-shaped text of every width and sign: whatever is accepted can be stored and read back, and
        /// surrounding spaces change nothing.
        #[test]
        fn prop_date_shaped_text_is_storable(
            text in "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
        ) {
            let got = parse_datetime(&text);
            prop_assert_eq!(parse_datetime(&format!(" {text}\n")), got);
            if let Some(t) = got {
                storable(t)?;
            }
        }

        #[test]
        fn prop_arbitrary_text_never_panics(text in any::<String>()) {
            if let Some(t) = parse_datetime(&text) {
                storable(t)?;
            }
        }

        /// Money fields of a JSON body: never a panic; an accepted amount lies within `0..=max`; whole numbers
        /// (JSON integers or integer strings) are read exactly; a refusal names the field.
        #[test]
        fn prop_cents_field(
            value in prop_oneof![
                any::<f64>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                (0i64..1_000_000).prop_map(Value::from),
                (0i64..1_000_000).prop_map(|n| Value::from(n.to_string())),
                "[-+ 0-9.eE]{0,10}".prop_map(Value::from),
                Just(Value::Null),
                Just(json!([1])),
            ],
            max in prop_oneof![Just(i64::MAX), 0i64..100_000_000],
        ) {
            let mut i = input(json!({ "x": value.clone() }));
            let got = i.cents("x", max);
            match &got {
                Some(Some(c)) => prop_assert!((0..=max).contains(c) && !i.has_errors()),
                Some(None) => prop_assert!(value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty())),
                None => prop_assert!(i.has_error("x")),
            }
            let whole = value.as_i64().or_else(|| value.as_str().and_then(|s| s.parse::<i64>().ok()));
            if let Some(n) = whole.filter(|n| (0..=max / 100).contains(n)) {
                prop_assert_eq!(got, Some(Some(n * 100)));
            }
        }
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
