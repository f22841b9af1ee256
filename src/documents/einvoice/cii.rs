//! UN/CEFACT Cross Industry Invoice (Factur-X, ZUGFeRD 2, XRechnung CII): the header, the seller, the settlement
//! totals and the line items, by their paths (EN 16931 business terms in brackets).

use super::reader::Element;
use super::{EInvoice, LineItem, cents, date, legal_id, profile, tax_in_currency};

const ROOT: &str = "CrossIndustryInvoice/";
const SELLER: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/SellerTradeParty/";
const SETTLEMENT: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/";
const SUMS: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementHeaderMonetarySummation/";
const LINE: &str = "SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem";

pub fn read(events: &[Element]) -> EInvoice {
    let mut inv = EInvoice {
        format: "factur-x".into(),
        kind: "invoice".into(),
        ..EInvoice::default()
    };
    // Tax totals may be given twice (invoice and accounting currency): the one in the invoice currency wins.
    let mut taxes: Vec<(Option<String>, i64)> = Vec::new();
    for e in events {
        let Some(p) = e.path.strip_prefix(ROOT) else {
            continue;
        };
        let t = e.text.as_str();
        match p {
            "ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID" => {
                inv.profile = Some(profile(t));
            }
            "ExchangedDocument/ID" => inv.number = Some(t.to_owned()), // BT-1
            "ExchangedDocument/TypeCode" if t == "381" => inv.kind = "credit_note".into(), // BT-3
            "ExchangedDocument/IssueDateTime/DateTimeString" => inv.issue_date = date(t), // BT-2
            _ => {}
        }
        if let Some(s) = p.strip_prefix(SELLER) {
            match s {
                "Name" => inv.seller_name = Some(t.to_owned()), // BT-27
                "SpecifiedLegalOrganization/ID" => legal_id(&mut inv, e.attr("schemeID"), t), // BT-30
                "SpecifiedTaxRegistration/ID" if e.attr("schemeID") == Some("VA") => {
                    inv.seller_vat = Some(t.replace(' ', "")); // BT-31
                }
                _ => {}
            }
        }
        if let Some(s) = p.strip_prefix(SETTLEMENT) {
            match s {
                "InvoiceCurrencyCode" => inv.currency = Some(t.to_ascii_uppercase()), // BT-5
                "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString" => {
                    inv.due_date = date(t); // BT-9
                }
                _ => {}
            }
        }
        if let Some(s) = p.strip_prefix(SUMS) {
            match s {
                "TaxBasisTotalAmount" => inv.total_excl_tax_cents = cents(t), // BT-109
                "TaxTotalAmount" => {
                    if let Some(c) = cents(t) {
                        taxes.push((e.attr("currencyID").map(str::to_owned), c)); // BT-110
                    }
                }
                "GrandTotalAmount" => inv.total_incl_tax_cents = cents(t), // BT-112
                "DuePayableAmount" => inv.amount_due_cents = cents(t),     // BT-115
                _ => {}
            }
        }
        if p == LINE {
            inv.lines.push(LineItem::default());
        } else if let Some(s) = p.strip_prefix(LINE).and_then(|s| s.strip_prefix('/'))
            && let Some(line) = inv.lines.last_mut()
        {
            match s {
                "SpecifiedTradeProduct/Name" => line.name = Some(t.to_owned()),
                "SpecifiedLineTradeAgreement/NetPriceProductTradePrice/ChargeAmount" => {
                    line.unit_price_cents = cents(t);
                }
                "SpecifiedLineTradeDelivery/BilledQuantity" => line.quantity = Some(t.to_owned()),
                "SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount" =>
                {
                    line.total_cents = cents(t);
                }
                _ => {}
            }
        }
    }
    inv.vat_cents = tax_in_currency(&taxes, inv.currency.as_deref());
    inv
}
