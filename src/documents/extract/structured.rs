//! A structured e-invoice's fields over those read from the visible text: exact (confidence 1.0, `source` names
//! the syntax), with each field where the text said otherwise reported, since the XML is what is legally
//! binding and the visible page is what the user saw.

use super::*;
use crate::documents::einvoice::EInvoice;

fn amount(cents: Option<i64>) -> Option<String> {
    cents.map(crate::money::format_cents)
}

/// Replaces the text's fields by the invoice's and answers the `e_invoice` member of `analysis_data`.
pub(super) fn merge(inv: &EInvoice, fields: &mut Map<String, Value>) -> Value {
    let stated: [(&str, Option<String>); 11] = [
        ("invoice_number", inv.number.clone()),
        ("invoice_date", inv.issue_date.clone()),
        ("due_date", inv.due_date.clone()),
        ("garage_name", inv.seller_name.clone()),
        ("siret", inv.seller_siret.clone()),
        ("siren", inv.seller_siren.clone()),
        ("vat_number", inv.seller_vat.clone()),
        ("total_excl_tax", amount(inv.total_excl_tax_cents)),
        ("vat_amount", amount(inv.vat_cents)),
        ("total_incl_tax", amount(inv.total_incl_tax_cents)),
        ("currency", inv.currency.clone()),
    ];
    let mut disagreements = Vec::new();
    for (name, value) in stated {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        if let Some(seen) = fields.get(name).and_then(|f| f["value"].as_str())
            && !same(name, seen, &value)
        {
            disagreements.push(json!({"field": name, "e_invoice": value, "text": seen}));
        }
        fields.insert(
            name.to_string(),
            json!({"value": value, "confidence": 1.0, "raw": value, "source": inv.format}),
        );
    }
    let lines: Vec<Value> = inv
        .lines
        .iter()
        .map(|l| {
            json!({"name": l.name, "quantity": l.quantity, "unit_price": amount(l.unit_price_cents),
                "total": amount(l.total_cents)})
        })
        .collect();
    json!({"format": inv.format, "profile": inv.profile, "file": inv.file, "type": inv.kind,
        "amount_due": amount(inv.amount_due_cents), "line_items": lines, "disagreements": disagreements})
}

/// Equal as values: names without regard to case, accents and spacing; everything else exactly.
fn same(field: &str, text: &str, stated: &str) -> bool {
    match field {
        "garage_name" | "invoice_number" => {
            let squeeze = |s: &str| -> String {
                s.chars()
                    .map(fold)
                    .filter(|c| c.is_alphanumeric())
                    .collect()
            };
            squeeze(text) == squeeze(stated)
        }
        _ => text == stated,
    }
}
