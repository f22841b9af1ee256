//! Structured e-invoices carried inside PDFs: Factur-X / ZUGFeRD (UN/CEFACT CII XML, EN 16931 profiles minimum to
//! extended) and UBL 2.1 (Invoice, CreditNote). The XML is read as a stream of events, bounded in size, depth and
//! count; a DOCTYPE is refused, so no entity is ever declared, let alone expanded. Runs in the analysis worker,
//! like every other decoder of uploaded bytes.

mod cii;
mod reader;
mod ubl;

use serde::{Deserialize, Serialize};

/// The largest XML attachment read (real invoices are a few to a few hundred KiB).
pub const MAX_XML_BYTES: usize = 4 * 1024 * 1024;
/// The most line items kept.
const MAX_LINES: usize = 1000;

/// One invoice line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    pub name: Option<String>,
    /// As written (`"2.000"`).
    pub quantity: Option<String>,
    pub unit_price_cents: Option<i64>,
    pub total_cents: Option<i64>,
}

/// What an e-invoice states, with amounts in cents and dates as `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EInvoice {
    /// `factur-x` (CII, also ZUGFeRD and XRechnung CII) or `ubl`.
    pub format: String,
    /// `minimum`, `basicwl`, `basic`, `en16931`, `extended`, `xrechnung`, or the specification id as written.
    pub profile: Option<String>,
    /// The attachment's name in the PDF.
    pub file: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub number: Option<String>,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub currency: Option<String>,
    pub seller_name: Option<String>,
    pub seller_siren: Option<String>,
    pub seller_siret: Option<String>,
    pub seller_vat: Option<String>,
    pub total_excl_tax_cents: Option<i64>,
    pub vat_cents: Option<i64>,
    pub total_incl_tax_cents: Option<i64>,
    pub amount_due_cents: Option<i64>,
    pub lines: Vec<LineItem>,
}

/// Reads an XML attachment named `file`: `None` when it is no invoice of a known syntax, or breaks a bound.
pub fn parse(file: &str, xml: &[u8]) -> Option<EInvoice> {
    if xml.len() > MAX_XML_BYTES {
        return None;
    }
    let events = reader::elements(xml).ok()?;
    let root = events.first()?.path.clone();
    let mut inv = match root.as_str() {
        "CrossIndustryInvoice" => cii::read(&events),
        "Invoice" | "CreditNote" => ubl::read(&events, &root),
        _ => return None,
    };
    inv.file = file.to_owned();
    inv.lines.truncate(MAX_LINES);
    // A SIREN is the first 9 digits of a SIRET, and the last 9 of a French VAT number.
    if inv.seller_siren.is_none() {
        inv.seller_siren = inv
            .seller_siret
            .as_deref()
            .map(|s| s[..9].to_owned())
            .or_else(|| inv.seller_vat.as_deref().and_then(siren_of_vat));
    }
    Some(inv)
}

/// The SIREN inside a French VAT number (`FR` + 2 key digits + SIREN).
fn siren_of_vat(vat: &str) -> Option<String> {
    let v: String = vat.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = v.strip_prefix("FR")?;
    (rest.len() == 11 && rest.chars().all(|c| c.is_ascii_digit())).then(|| rest[2..].to_owned())
}

/// An XML decimal (`"1234.5"`, `"-12.00"`) in cents, rounded half away from zero; `None` when it is not one.
pub(crate) fn cents(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || int.len() > 15
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f = frac.bytes().map(|b| i64::from(b - b'0'));
    let (d1, d2, d3) = (
        f.next().unwrap_or(0),
        f.next().unwrap_or(0),
        f.next().unwrap_or(0),
    );
    let c = whole.checked_mul(100)? + d1 * 10 + d2 + i64::from(d3 >= 5);
    Some(if neg { -c } else { c })
}

/// A CII date (`102`: `YYYYMMDD`) or an ISO date, as `YYYY-MM-DD`.
pub(crate) fn date(s: &str) -> Option<String> {
    let s = s.trim();
    let parsed = if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        chrono::NaiveDate::parse_from_str(s, "%Y%m%d").ok()
    } else {
        chrono::NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
    };
    parsed.map(|d| d.to_string())
}

/// A legal identifier of the seller by its scheme (ISO 6523: 0002 SIREN, 0009 SIRET), or by its length.
pub(crate) fn legal_id(inv: &mut EInvoice, scheme: Option<&str>, value: &str) {
    let digits: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return;
    }
    match (scheme, digits.len()) {
        (Some("0009") | None, 14) => inv.seller_siret = Some(digits),
        (Some("0002") | None, 9) => inv.seller_siren = Some(digits),
        _ => {}
    }
}

/// The tax total in the invoice currency when it is given in several, else the first.
pub(crate) fn tax_in_currency(
    taxes: &[(Option<String>, i64)],
    currency: Option<&str>,
) -> Option<i64> {
    taxes
        .iter()
        .find(|(cur, _)| cur.is_some() && cur.as_deref() == currency)
        .or(taxes.first())
        .map(|(_, c)| *c)
}

/// The profile a specification id names.
pub(crate) fn profile(id: &str) -> String {
    let low = id.to_ascii_lowercase();
    let name = if low.contains("xrechnung") {
        "xrechnung"
    } else if low.ends_with(":minimum") {
        "minimum"
    } else if low.ends_with(":basicwl") {
        "basicwl"
    } else if low.ends_with(":basic") {
        "basic"
    } else if low.ends_with(":extended") {
        "extended"
    } else if low.starts_with("urn:cen.eu:en16931:2017") {
        "en16931"
    } else {
        return id.trim().to_owned();
    };
    name.to_owned()
}

#[cfg(test)]
mod tests;
