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
mod tests {
    use super::*;

    const CII: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
    <rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
      xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
      xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
     <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
     <rsm:ExchangedDocument><ram:ID>FA-2026-0117</ram:ID><ram:TypeCode>380</ram:TypeCode>
      <ram:IssueDateTime><udt:DateTimeString format="102">20261103</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
     <rsm:SupplyChainTradeTransaction>
      <ram:IncludedSupplyChainTradeLineItem>
       <ram:SpecifiedTradeProduct><ram:Name>Huile 5W30 &amp; filtre</ram:Name></ram:SpecifiedTradeProduct>
       <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>12.5</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
       <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="LTR">4.000</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
       <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>50.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
      </ram:IncludedSupplyChainTradeLineItem>
      <ram:IncludedSupplyChainTradeLineItem>
       <ram:SpecifiedTradeProduct><ram:Name>Main d'oeuvre</ram:Name></ram:SpecifiedTradeProduct>
       <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>49.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
      </ram:IncludedSupplyChainTradeLineItem>
      <ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Garage Dupont SARL</ram:Name>
       <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">732829320</ram:ID></ram:SpecifiedLegalOrganization>
       <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR44732829320</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>
      <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
       <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20261203</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
       <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>99.00</ram:LineTotalAmount><ram:TaxBasisTotalAmount>99.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="USD">20.00</ram:TaxTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">19.80</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>118.80</ram:GrandTotalAmount><ram:DuePayableAmount>118.80</ram:DuePayableAmount>
       </ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement>
     </rsm:SupplyChainTradeTransaction>
    </rsm:CrossIndustryInvoice>"#;

    #[test]
    fn a_cii_invoice_is_read_exactly() {
        let inv = parse("factur-x.xml", CII.as_bytes()).expect("read");
        assert_eq!(
            (
                inv.format.as_str(),
                inv.profile.as_deref(),
                inv.kind.as_str()
            ),
            ("factur-x", Some("en16931"), "invoice")
        );
        assert_eq!(inv.number.as_deref(), Some("FA-2026-0117"));
        assert_eq!(inv.issue_date.as_deref(), Some("2026-11-03"));
        assert_eq!(inv.due_date.as_deref(), Some("2026-12-03"));
        assert_eq!(inv.seller_name.as_deref(), Some("Garage Dupont SARL"));
        assert_eq!(inv.seller_siren.as_deref(), Some("732829320"));
        assert_eq!(inv.seller_vat.as_deref(), Some("FR44732829320"));
        assert_eq!(
            (
                inv.total_excl_tax_cents,
                inv.vat_cents,
                inv.total_incl_tax_cents
            ),
            (Some(9900), Some(1980), Some(11880)),
            "the tax total in the invoice currency"
        );
        assert_eq!(inv.lines.len(), 2);
        assert_eq!(
            inv.lines[0],
            LineItem {
                name: Some("Huile 5W30 & filtre".into()),
                quantity: Some("4.000".into()),
                unit_price_cents: Some(1250),
                total_cents: Some(5000)
            }
        );
        assert_eq!(inv.lines[1].name.as_deref(), Some("Main d'oeuvre"));
    }

    #[test]
    fn a_ubl_credit_note_is_read() {
        let xml = r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
          xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
          xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
          <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
          <cbc:ID>AV-77</cbc:ID><cbc:IssueDate>2026-10-31</cbc:IssueDate><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
          <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Pneus Express</cbc:Name></cac:PartyName>
            <cac:PartyTaxScheme><cbc:CompanyID>FR 44 732829320</cbc:CompanyID></cac:PartyTaxScheme>
            <cac:PartyLegalEntity><cbc:RegistrationName>Pneus Express SAS</cbc:RegistrationName>
              <cbc:CompanyID schemeID="0009">73282932000074</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
          <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">-10.00</cbc:TaxAmount>
            <cac:TaxSubtotal><cbc:TaxAmount currencyID="EUR">-10.00</cbc:TaxAmount></cac:TaxSubtotal></cac:TaxTotal>
          <cac:LegalMonetaryTotal><cbc:TaxExclusiveAmount currencyID="EUR">-50.00</cbc:TaxExclusiveAmount>
            <cbc:TaxInclusiveAmount currencyID="EUR">-60.00</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">-60.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
          <cac:CreditNoteLine><cbc:CreditedQuantity>1</cbc:CreditedQuantity><cbc:LineExtensionAmount>-50.00</cbc:LineExtensionAmount>
            <cac:Item><cbc:Name>Remise pneus</cbc:Name></cac:Item></cac:CreditNoteLine>
        </CreditNote>"#;
        let inv = parse("invoice.xml", xml.as_bytes()).expect("read");
        assert_eq!(
            (
                inv.format.as_str(),
                inv.kind.as_str(),
                inv.profile.as_deref()
            ),
            ("ubl", "credit_note", Some("xrechnung"))
        );
        assert_eq!(inv.seller_name.as_deref(), Some("Pneus Express SAS"));
        assert_eq!(inv.seller_siret.as_deref(), Some("73282932000074"));
        assert_eq!(inv.seller_siren.as_deref(), Some("732829320"));
        assert_eq!(inv.seller_vat.as_deref(), Some("FR44732829320"));
        assert_eq!(
            (
                inv.total_excl_tax_cents,
                inv.vat_cents,
                inv.total_incl_tax_cents
            ),
            (Some(-5000), Some(-1000), Some(-6000))
        );
        assert_eq!(inv.lines.len(), 1);
    }

    #[test]
    fn hostile_xml_is_refused_not_expanded() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
            <CrossIndustryInvoice><ExchangedDocument><ID>&lol2;</ID></ExchangedDocument></CrossIndustryInvoice>"#;
        assert_eq!(parse("factur-x.xml", laughs.as_bytes()), None);
        let external = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Invoice><ID>&xxe;</ID></Invoice>"#;
        assert_eq!(parse("factur-x.xml", external.as_bytes()), None);
        let undeclared = "<Invoice><ID>&xxe;</ID></Invoice>";
        assert_eq!(parse("factur-x.xml", undeclared.as_bytes()), None);
        let deep = format!(
            "<Invoice>{}{}</Invoice>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert_eq!(parse("x.xml", deep.as_bytes()), None);
        let many = format!("<Invoice>{}</Invoice>", "<a>1</a>".repeat(250_000));
        assert_eq!(parse("x.xml", many.as_bytes()), None);
        assert_eq!(parse("x.xml", &vec![b' '; MAX_XML_BYTES + 1]), None);
        assert_eq!(parse("x.xml", b"<Invoice><ID>1</ID>"), None, "unclosed");
        assert_eq!(
            parse("x.xml", b"<Order><ID>1</ID></Order>"),
            None,
            "not an invoice"
        );
        assert_eq!(parse("x.xml", b"\xff\xfe garbage"), None);
    }

    #[test]
    fn decimals_dates_and_identifiers() {
        for (s, c) in [
            ("118.80", Some(11880)),
            ("1234.5", Some(123450)),
            ("-12", Some(-1200)),
            ("0.005", Some(1)),
            ("12.344", Some(1234)),
            (".5", Some(50)),
            ("1e3", None),
            ("", None),
            ("12,50", None),
        ] {
            assert_eq!(cents(s), c, "{s}");
        }
        assert_eq!(date("20261103").as_deref(), Some("2026-11-03"));
        assert_eq!(date("2026-11-03").as_deref(), Some("2026-11-03"));
        assert_eq!(date("20261332"), None);
        assert_eq!(
            siren_of_vat("FR 44 732829320").as_deref(),
            Some("732829320")
        );
        assert_eq!(siren_of_vat("DE123456789"), None);
        assert_eq!(profile("urn:factur-x.eu:1p0:basicwl"), "basicwl");
        assert_eq!(
            profile("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"),
            "basic"
        );
        assert_eq!(
            profile("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"),
            "extended"
        );
    }
}
