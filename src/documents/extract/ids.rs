//! Identifiers documents carry: SIRET (Luhn), VIN (with the check digit), French plates.

use super::*;

/// 14 digits (spaces ignored) passing the Luhn check; La Poste's establishments (SIREN 356 000 000) are numbered
/// by digit sum instead, a multiple of 5.
pub fn siret_is_valid(siret: &str) -> bool {
    let digits: Option<Vec<u32>> = siret
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_digit(10))
        .collect();
    let Some(digits) = digits.filter(|d| d.len() == 14) else {
        return false;
    };
    let la_poste = siret.replace(' ', "").starts_with("356000000");
    luhn(&digits) || (la_poste && digits.iter().sum::<u32>().is_multiple_of(5))
}

/// 9 digits (spaces ignored) passing the Luhn check, as every SIREN does (La Poste's 356 000 000 included).
pub fn siren_is_valid(siren: &str) -> bool {
    let digits: Option<Vec<u32>> = siren
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_digit(10))
        .collect();
    digits.is_some_and(|d| d.len() == 9 && luhn(&d))
}

/// The Luhn check: every second digit from the right doubled (less 9 past 9), the sum a multiple of 10.
fn luhn(digits: &[u32]) -> bool {
    let doubled = |d: u32| if d * 2 > 9 { d * 2 - 9 } else { d * 2 };
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { doubled(d) } else { d })
        .sum();
    sum.is_multiple_of(10)
}

/// A French VAT number: `FR`, a 2-digit key, the SIREN; the key is (12 + 3 × (SIREN mod 97)) mod 97.
pub fn vat_fr_is_valid(vat: &str) -> bool {
    let v: String = vat.chars().filter(|c| *c != ' ').collect();
    let Some(rest) = v.strip_prefix("FR") else {
        return false;
    };
    if rest.len() != 11 || !rest.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let (Ok(key), Ok(siren)) = (rest[..2].parse::<u64>(), rest[2..].parse::<u64>()) else {
        return false;
    };
    key == (12 + 3 * (siren % 97)) % 97
}

/// 17 letters or digits without I, O or Q, in either case: the vehicles module's rule, which it applies after
/// upper-casing.
pub fn vin_is_valid(vin: &str) -> bool {
    crate::vehicles::model::is_valid_vin(&vin.to_ascii_uppercase())
}

/// The ISO 3779 / North-American check digit at position 9. Only a confidence signal: European makers often
/// do not use it.
pub fn vin_check_digit_ok(vin: &str) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let value = |c: char| match c {
        '0'..='9' => c.to_digit(10).unwrap_or(0),
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        _ => 9, // R, Z
    };
    if !vin_is_valid(vin) {
        return false;
    }
    let up = vin.to_ascii_uppercase();
    let sum: u32 = up.chars().zip(WEIGHTS).map(|(c, w)| value(c) * w).sum();
    let check = if sum % 11 == 10 {
        'X'
    } else {
        char::from_digit(sum % 11, 10).unwrap_or('?')
    };
    up.chars().nth(8) == Some(check)
}

/// A French plate: SIV `AA-123-AA` (dashes, spaces or nothing) → `AA-123-AA`; FNI `1234 AB 56`, `123 ABC 75`,
/// `12 AB 2A` → single spaces. SIV plates with I, O, U, `000` or `SS` are refused.
pub fn parse_plate(s: &str) -> Option<String> {
    let l = Line::new(s.trim());
    plate_at(&l.low, 0)
        .filter(|(_, e, ok)| *ok && *e == l.low.len())
        .map(|(p, _, _)| p)
}

/// A plate at `i`: (normalised, end, strict). SIV plates are strict without I, O, U, `000` and `SS`.
pub(super) fn plate_at(s: &[char], i: usize) -> Option<(String, usize, bool)> {
    if prev(s, i).is_alphanumeric() {
        return None;
    }
    let (alpha, digit) = (
        |c: char| c.is_ascii_alphabetic(),
        |c: char| c.is_ascii_digit(),
    );
    let part = |a: usize, b: usize| s[a..b].iter().collect::<String>().to_uppercase();
    let e1 = run(s, i, alpha);
    if e1 - i == 2 {
        let j = skip(s, e1, " -");
        let e2 = run(s, j, digit);
        let k = skip(s, e2, " -");
        let e3 = run(s, k, alpha);
        if e2 - j != 3 || e3 - k != 2 || at(s, e3).is_alphanumeric() {
            return None;
        }
        let (a, n, b) = (part(i, e1), part(j, e2), part(k, e3));
        let ok =
            !format!("{a}{b}").contains(['I', 'O', 'U']) && n != "000" && a != "SS" && b != "SS";
        return Some((format!("{a}-{n}-{b}"), e3, ok));
    }
    // FNI (before 2009): 1–4 digits, 1–3 letters, département (2 digits, 2A/2B, 97x).
    let e1 = run(s, i, digit);
    let j = skip(s, e1, " -");
    let e2 = run(s, j, alpha);
    let k = skip(s, e2, " -");
    let e3 = run(s, k, |c| c.is_ascii_alphanumeric());
    let dept = part(k, e3);
    let numeric = dept.chars().all(|c| c.is_ascii_digit());
    let dept_ok = matches!(dept.as_str(), "2A" | "2B")
        || (numeric && (dept.len() == 2 || (dept.len() == 3 && dept.starts_with("97"))));
    let ok = (1..=4).contains(&(e1 - i)) && (1..=3).contains(&(e2 - j)) && dept_ok;
    ok.then(|| {
        (
            format!("{} {} {}", part(i, e1), part(j, e2), dept),
            e3,
            true,
        )
    })
}
