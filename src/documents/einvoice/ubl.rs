//! OASIS UBL 2.1 `Invoice` and `CreditNote` (as the EN 16931 UBL binding and Peppol BIS use them).

use super::reader::Element;
use super::{EInvoice, LineItem, cents, date, legal_id, profile, tax_in_currency};

const PARTY: &str = "AccountingSupplierParty/Party/";

pub fn read(events: &[Element], root: &str) -> EInvoice {
    let mut inv = EInvoice {
        format: "ubl".into(),
        kind: if root == "CreditNote" {
            "credit_note".into()
        } else {
            "invoice".into()
        },
        ..EInvoice::default()
    };
    let prefix = format!("{root}/");
    let line = if root == "CreditNote" {
        "CreditNoteLine"
    } else {
        "InvoiceLine"
    };
    let mut party_name = None;
    let mut taxes: Vec<(Option<String>, i64)> = Vec::new();
    for e in events {
        let Some(p) = e.path.strip_prefix(&prefix) else {
            continue;
        };
        let t = e.text.as_str();
        match p {
            "CustomizationID" => inv.profile = Some(profile(t)),
            "ID" => inv.number = Some(t.to_owned()),
            "IssueDate" => inv.issue_date = date(t),
            "DueDate" | "PaymentMeans/PaymentDueDate" if inv.due_date.is_none() => {
                inv.due_date = date(t);
            }
            "DocumentCurrencyCode" => inv.currency = Some(t.to_ascii_uppercase()),
            "TaxTotal/TaxAmount" => {
                if let Some(c) = cents(t) {
                    taxes.push((e.attr("currencyID").map(str::to_owned), c));
                }
            }
            "LegalMonetaryTotal/TaxExclusiveAmount" => inv.total_excl_tax_cents = cents(t),
            "LegalMonetaryTotal/TaxInclusiveAmount" => inv.total_incl_tax_cents = cents(t),
            "LegalMonetaryTotal/PayableAmount" => inv.amount_due_cents = cents(t),
            _ => {}
        }
        if let Some(s) = p.strip_prefix(PARTY) {
            match s {
                "PartyLegalEntity/RegistrationName" => inv.seller_name = Some(t.to_owned()),
                "PartyName/Name" => party_name = Some(t.to_owned()),
                "PartyLegalEntity/CompanyID" => legal_id(&mut inv, e.attr("schemeID"), t),
                "PartyTaxScheme/CompanyID" => inv.seller_vat = Some(t.replace(' ', "")),
                _ => {}
            }
        }
        if p == line {
            inv.lines.push(LineItem::default());
        } else if let Some(s) = p.strip_prefix(line).and_then(|s| s.strip_prefix('/'))
            && let Some(item) = inv.lines.last_mut()
        {
            match s {
                "Item/Name" => item.name = Some(t.to_owned()),
                "Price/PriceAmount" => item.unit_price_cents = cents(t),
                "InvoicedQuantity" | "CreditedQuantity" => item.quantity = Some(t.to_owned()),
                "LineExtensionAmount" => item.total_cents = cents(t),
                _ => {}
            }
        }
    }
    if inv.seller_name.is_none() {
        inv.seller_name = party_name;
    }
    inv.vat_cents = tax_in_currency(&taxes, inv.currency.as_deref());
    inv
}
