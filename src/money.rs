//! Money as exact integer cents: parsing decimal input, formatting `"12.50"` strings and 2-decimal numbers.

use crate::i18n::Tr;

/// Parses `"12"`, `"12.5"`, `"12.50"`, `"-3.10"` into cents; more than 2 decimals or anything else is refused.
pub fn parse_cents(raw: &str) -> Result<i64, Tr> {
    let invalid = || {
        Tr::new(
            "A valid number is required.",
            "Un nombre valide est requis.",
        )
    };
    let s = raw.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(invalid());
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Err(Tr::new(
            "Ensure that there are no more than 2 decimal places.",
            "Assurez-vous qu'il n'y a pas plus de 2 décimales.",
        ));
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| invalid())?
    };
    let frac_cents: i64 = format!("{frac:0<2}").parse().map_err(|_| invalid())?;
    // Signed in a wider type, then narrowed: `-92233720368547758.08` (i64::MIN, what `format_cents` prints for it)
    // must read back although its magnitude alone does not fit an i64.
    let cents = i128::from(whole) * 100 + i128::from(frac_cents);
    i64::try_from(if negative { -cents } else { cents }).map_err(|_| invalid())
}

/// `1250` → `"12.50"`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A price for people, in mails: fr `9,99 €`, en `€9.99` (other currencies by their code: `9.99 CHF`).
pub fn format_price(cents: i64, currency: &str, lang: crate::i18n::Lang) -> String {
    let amount = format_cents(cents);
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    match lang {
        crate::i18n::Lang::Fr => format!("{} {symbol}", amount.replace('.', ",")),
        crate::i18n::Lang::En if symbol.len() < 3 || symbol == "€" => format!("{symbol}{amount}"),
        crate::i18n::Lang::En => format!("{amount} {symbol}"),
    }
}

/// Cents as a JSON number with 2 decimals (aggregates: `1240.5`).
pub fn cents_number(cents: i64) -> serde_json::Value {
    serde_json::Number::from_f64(cents as f64 / 100.0)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// A float rounded to 2 decimals (aggregates in typed answers).
pub fn round2_f64(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A float rounded to 2 decimals as a JSON number.
pub fn round2(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(round2_f64(v))
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_cents("12"), Ok(1200));
        assert_eq!(parse_cents("12.5"), Ok(1250));
        assert_eq!(parse_cents("0.1"), Ok(10));
        assert_eq!(parse_cents("99999999.99"), Ok(9_999_999_999));
        assert_eq!(parse_cents("1.230"), Ok(123));
        assert_eq!(parse_cents("-3.10"), Ok(-310));
        assert!(parse_cents("1.234").is_err());
        assert!(parse_cents("1e3").is_err());
        assert!(parse_cents("").is_err());
        assert!(parse_cents(".").is_err());
        assert!(parse_cents("99999999999999999999").is_err());
        // Found by prop_format_then_parse_round_trips: the smallest amount did not read back.
        assert_eq!(parse_cents(&format_cents(i64::MIN)), Ok(i64::MIN));
        assert!(parse_cents("92233720368547758.08").is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(format_cents(1250), "12.50");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(-310), "-3.10");
        assert_eq!(cents_number(124050), serde_json::json!(1240.5));
    }

    use proptest::prelude::*;

    /// Cents drawn uniformly, plus small values and the extremes (proptest does not favour edges by itself).
    fn edgy_cents() -> impl Strategy<Value = i64> {
        prop_oneof![
            any::<i64>(),
            -100_000i64..100_000,
            Just(i64::MIN),
            Just(i64::MIN + 1),
            Just(i64::MAX),
        ]
    }

    /// The exact value of `[+-]?digits[.digits]` in cents as a wide integer, or why it is refused.
    fn exact_cents(negative: bool, whole: &str, frac: &str) -> Result<i128, &'static str> {
        if whole.is_empty() && frac.is_empty() {
            return Err("empty");
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err("decimals");
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().unwrap()
        };
        let cents = whole * 100 + format!("{frac:0<2}").parse::<i128>().unwrap();
        Ok(if negative { -cents } else { cents })
    }

    proptest! {
        #[test]
        fn prop_format_then_parse_round_trips(cents in edgy_cents()) {
            let text = format_cents(cents);
            let (_, decimals) = text.split_once('.').unwrap();
            prop_assert_eq!(decimals.len(), 2, "{}", text);
            prop_assert_eq!(parse_cents(&text), Ok(cents), "{}", text);
        }

        #[test]
        fn prop_decimal_text_parses_to_its_exact_value(
            sign in prop_oneof![Just(""), Just("-"), Just("+")],
            whole in "[0-9]{0,21}",
            frac in proptest::option::of("[0-9]{0,6}"),
            pad in "[ \t\n]{0,2}",
        ) {
            let text = match &frac {
                Some(f) => format!("{pad}{sign}{whole}.{f}{pad}"),
                None => format!("{pad}{sign}{whole}{pad}"),
            };
            let got = parse_cents(&text);
            match exact_cents(sign == "-", &whole, frac.as_deref().unwrap_or("")) {
                Err("decimals") => prop_assert_eq!(
                    got.map_err(|e| e.en),
                    Err("Ensure that there are no more than 2 decimal places.".to_owned()),
                    "{:?}", text
                ),
                Err(_) => prop_assert!(got.is_err(), "{:?}", text),
                Ok(exact) => match i64::try_from(exact) {
                    Ok(c) => prop_assert_eq!(got, Ok(c), "{:?}", text),
                    Err(_) => prop_assert!(got.is_err(), "out of range {:?}", text),
                },
            }
        }

        #[test]
        fn prop_trailing_zeros_change_nothing(cents in edgy_cents(), zeros in 1usize..6) {
            let text = format!("{}{}", format_cents(cents), "0".repeat(zeros));
            prop_assert_eq!(parse_cents(&text), Ok(cents));
            // A significant third decimal is refused, whatever follows.
            let third = format!("{}{}1", format_cents(cents), "0".repeat(zeros - 1));
            prop_assert!(parse_cents(&third).is_err(), "{}", third);
        }

        /// Anything: no panic, and what is accepted is a plain signed decimal whose canonical form reads back.
        #[test]
        fn prop_arbitrary_text_is_refused_unless_decimal(
            text in prop_oneof![any::<String>(), "[-+ .0-9eE_,]{0,12}"],
        ) {
            if let Ok(cents) = parse_cents(&text) {
                let t = text.trim();
                let body = t.strip_prefix(['-', '+']).unwrap_or(t);
                let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
                let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                prop_assert!(digits(whole) && digits(frac), "accepted {:?}", text);
                prop_assert_eq!(exact_cents(t.starts_with('-'), whole, frac), Ok(i128::from(cents)));
                prop_assert_eq!(parse_cents(&format_cents(cents)), Ok(cents));
            }
        }

        /// JSON numbers arrive as serde_json prints them (`Input::cents`): aggregates we print read back exactly,
        /// and any finite float either reads within half a cent or is refused.
        #[test]
        fn prop_json_numbers(cents in -1_000_000_000_000_000i64..=1_000_000_000_000_000, f in any::<f64>()) {
            prop_assert_eq!(parse_cents(&cents_number(cents).to_string()), Ok(cents));
            let v = serde_json::Value::from(f);
            if let Ok(c) = parse_cents(&v.to_string()) {
                prop_assert!(f.is_finite(), "{}", v);
                prop_assert!((c as f64 / 100.0 - f).abs() <= 0.005 + f.abs() * 1e-15, "{} -> {}", f, c);
            }
            let rounded = round2(f);
            if let Some(r) = rounded.as_f64() {
                prop_assert!((r - f).abs() <= 0.005 + f.abs() * 1e-15, "{} -> {}", f, r);
            } else {
                prop_assert!(!((f * 100.0).round() / 100.0).is_finite());
            }
        }
    }
}
