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
    let cents = whole
        .checked_mul(100)
        .and_then(|c| c.checked_add(frac_cents))
        .ok_or_else(invalid)?;
    Ok(if negative { -cents } else { cents })
}

/// `1250` → `"12.50"`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Cents as a JSON number with 2 decimals (aggregates: `1240.5`).
pub fn cents_number(cents: i64) -> serde_json::Value {
    serde_json::Number::from_f64(cents as f64 / 100.0)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// A float rounded to 2 decimals as a JSON number.
pub fn round2(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64((v * 100.0).round() / 100.0)
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
    }

    #[test]
    fn formats() {
        assert_eq!(format_cents(1250), "12.50");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(-310), "-3.10");
        assert_eq!(cents_number(124050), serde_json::json!(1240.5));
    }
}
