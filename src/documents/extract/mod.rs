//! Fields from a document's text (documents.md §6.3–§6.5): type detection, the fields of invoices, registration and
//! insurance certificates with their confidence, and a suggestion the frontend may use to pre-fill a form. Pure
//! functions written for noisy OCR text: matching ignores case, accents and spacing; amounts are integer cents.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::money::format_cents;
use crate::vehicles::model::FUEL_TYPES;

// One file per part; the parts share their helpers (text matching, parsers) through this module: each starts with
// `use super::*`.
mod detect;
mod ids;
mod insurance;
mod invoice;
mod issuer;
mod parse;
mod registration;
mod structured;
mod suggestion;
mod text;

use detect::*;
use ids::*;
pub use ids::{
    parse_plate, siren_is_valid, siret_is_valid, vat_fr_is_valid, vin_check_digit_ok, vin_is_valid,
};
use insurance::*;
use invoice::*;
use issuer::*;
use parse::*;
pub use parse::{parse_amount, parse_currency, parse_date};
use registration::*;
use suggestion::*;
use text::*;

/// Result of analysing extracted text.
pub struct Extraction {
    /// The type to store after the rule of §6.3 (the stored type unless it is "other" and a type was detected).
    pub document_type: String,
    /// `analysis_data` of §6.4, plus `suggestion` when there is one.
    pub analysis_data: Value,
}

/// `source`: `text_layer`, `ocr` or `mixed` (OCR confidence factor for the last two); `pages`: 1 for images.
pub fn analyse(text: &str, stored_type: &str, source: &str, pages: usize) -> Extraction {
    analyse_with(text, stored_type, source, pages, None)
}

/// `analyse`, and when the PDF carries a structured invoice, its fields (exact) over those read from the text,
/// with the places where the visible text says otherwise.
pub fn analyse_with(
    text: &str,
    stored_type: &str,
    source: &str,
    pages: usize,
    e_invoice: Option<&crate::documents::einvoice::EInvoice>,
) -> Extraction {
    let doc = lines(text);
    let (detected, score) = detect(&doc);
    let (detected, score) = match e_invoice {
        Some(_) => ("invoice", 1.0),
        None => (detected, score),
    };
    let doc_type = if stored_type == "other" && detected != "other" {
        detected
    } else {
        stored_type
    };
    let mut found = match doc_type {
        "invoice" => invoice(&doc),
        "registration" => registration(&doc),
        "insurance" => insurance(&doc),
        _ => Vec::new(),
    };
    if matches!(source, "ocr" | "mixed") {
        found.iter_mut().for_each(|(_, h)| h.conf *= 0.9);
    }
    // The three amounts confirm each other when they add up.
    let cents = |name: &str| {
        found
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, h)| h.cents)
    };
    let totals = (
        cents("total_excl_tax"),
        cents("vat_amount"),
        cents("total_incl_tax"),
    );
    if let (Some(ht), Some(vat), Some(ttc)) = totals
        && (ht + vat - ttc).abs() <= 2
    {
        for (_, h) in found.iter_mut().filter(|(_, h)| h.cents.is_some()) {
            h.conf = (h.conf + 0.1).min(1.0);
        }
    }
    let mut fields = Map::new();
    for (name, h) in &found {
        fields.insert(
            name.to_string(),
            json!({"value": h.value, "confidence": round2(h.conf), "raw": h.raw}),
        );
    }
    let structured = match e_invoice {
        Some(inv) if doc_type == "invoice" => Some(structured::merge(inv, &mut fields)),
        _ => None,
    };
    let confs: Vec<f64> = fields
        .values()
        .filter_map(|f| f["confidence"].as_f64())
        .collect();
    let confidence = if confs.is_empty() {
        0.0
    } else {
        round2(confs.iter().sum::<f64>() / confs.len() as f64)
    };
    let mut suggestion = suggestion(doc_type, &fields);
    // An e-invoice says what was done: its lines complete the maintenance's description.
    if let (Some(inv), Some(m)) = (
        e_invoice,
        suggestion.as_mut().and_then(|s| s.get_mut("maintenance")),
    ) {
        let names: Vec<&str> = inv
            .lines
            .iter()
            .filter_map(|l| l.name.as_deref())
            .take(8)
            .collect();
        if !names.is_empty() {
            let head = m["description"].as_str().map(str::to_owned);
            let lines = names.join(", ");
            m["description"] = json!(match head {
                Some(h) => format!("{h} — {lines}"),
                None => lines,
            });
        }
    }
    let mut data = json!({"document_type": detected, "document_type_score": score, "source": source, "pages": pages,
        "fields": fields, "confidence": confidence});
    if let Some(s) = structured {
        data["e_invoice"] = s;
    }
    if let Some(s) = suggestion {
        data["suggestion"] = s;
    }
    Extraction {
        document_type: doc_type.to_string(),
        analysis_data: data,
    }
}

/// (type, `document_type_score`) per §6.3.
pub fn detect_type(text: &str) -> (&'static str, f64) {
    detect(&lines(text))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases "input → output" separated by ';'.
    fn cases(list: &str) -> Vec<(&str, &str)> {
        list.split(';')
            .map(|c| c.split_once('→').unwrap())
            .map(|(i, o)| (i.trim(), o.trim()))
            .collect()
    }

    #[test]
    fn siren_only_invoices_and_vat_numbers() {
        let text = "AUTO REPARATION LYONNAISE\nSAS au capital de 10 000 € - RCS Lyon B 732 829 320\n\
            TVA intracommunautaire : FR 44 732 829 320\nFacture n° A-77 du 04/11/2026\nTotal TTC : 240,00 €";
        let f = analyse(text, "other", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(
            (
                f["siren"]["value"].clone(),
                f["siren"]["confidence"].clone()
            ),
            (json!("732829320"), json!(0.9))
        );
        assert_eq!(
            (
                f["vat_number"]["value"].clone(),
                f["vat_number"]["confidence"].clone()
            ),
            (json!("FR44732829320"), json!(0.9))
        );
        assert!(f.get("siret").is_none());
        assert!(
            f.get("vat_amount").is_none(),
            "the VAT number line holds no VAT amount: {f}"
        );
        // A wrong key or a wrong Luhn digit is read but trusted less.
        let f = analyse(
            "RCS Paris 732 829 321\nTVA FR 45 732829320",
            "invoice",
            "text_layer",
            1,
        )
        .analysis_data["fields"]
            .clone();
        assert_eq!(f["siren"]["confidence"], json!(0.7));
        assert_eq!(f["vat_number"]["confidence"], json!(0.5));
        assert!(siren_is_valid("356 000 000") && !siren_is_valid("73282932"));
        assert!(vat_fr_is_valid("FR44732829320") && !vat_fr_is_valid("FR45732829320"));
    }

    #[test]
    fn the_issuer_is_a_name_not_an_address() {
        // The line above the SIRET is an address, and so is the first line: the name is the one that is not.
        let text = "12 rue des Lilas\nGARAGE DES LILAS\n69003 LYON\nSIRET 732 829 320 00074\nFacture n° 7\n\
            Total TTC : 80,00 €";
        let f = analyse(text, "invoice", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(f["garage_name"]["value"], "GARAGE DES LILAS", "{f}");
        let text = "3 avenue Alsace-Lorraine 38000 Grenoble\nCarrosserie des Alpes\nFacture n° 8\nTotal TTC : 80,00 €";
        let f = analyse(text, "invoice", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(f["garage_name"]["value"], "Carrosserie des Alpes", "{f}");
    }

    #[test]
    fn real_layouts_headers_above_values_footers_and_credit_notes() {
        // Two-column header: the customer's block beside the issuer's, the contact lines between; the SIRET is in
        // the footer; the number and date under their labels; totals as a header row over the amounts.
        let text = "G   GARAGE SAINT-ÉLOI   Client :\ncompta@garage-st-eloi.fr   Mme Nathalie Roussel\n\
            Tél. 04 77 60 70 60   8 rue des Lilas, 38000 Grenoble\nN° facture   Date   Échéance\n\
            FA2510-0674   16/10/2025   15/11/2025\nRéf.   Désignation   Qté   Total HT\nVA1   Valve   2   6,59\n\
            Total HT   TVA   Total TTC\nMontants en euros.\n758,02 EUR   151,60 EUR   909,62 EUR\n\
            SAS au capital de 10 000 € – RCS Lyon B 732 829 320 – SIRET 732 829 320 00074";
        let f = analyse(text, "invoice", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(f["garage_name"]["value"], "GARAGE SAINT-ÉLOI", "{f}");
        assert_eq!(f["invoice_number"]["value"], "FA2510-0674", "{f}");
        assert_eq!(f["invoice_date"]["value"], "2025-10-16", "{f}");
        assert_eq!(f["total_excl_tax"]["value"], "758.02", "{f}");
        assert_eq!(f["vat_amount"]["value"], "151.60", "{f}");
        assert_eq!(f["total_incl_tax"]["value"], "909.62", "{f}");
        // A credit note: its own number (not the invoice it refers to), negative totals, no cost suggested; a
        // page's running total carried forward is not the total.
        let text = "Garage Dupont & Fils\nAVOIR N°AV260888\nRéf. facture : F-2026-0745 du 17/03/2026\n\
            Sous-total à reporter   12,00 €\nTotal HT   -65,02 EUR\nMontant TVA 20 %   -13,00 EUR\n\
            Total TTC   -78,02 EUR\nTél. 04-77-60";
        let e = analyse(text, "invoice", "text_layer", 1);
        let f = &e.analysis_data["fields"];
        assert_eq!(f["invoice_number"]["value"], "AV260888", "{f}");
        assert_eq!(f["total_excl_tax"]["value"], "-65.02", "{f}");
        assert_eq!(f["vat_amount"]["value"], "-13.00", "{f}");
        assert_eq!(f["total_incl_tax"]["value"], "-78.02", "{f}");
        assert_eq!(
            e.analysis_data["suggestion"]["maintenance"]["cost"],
            Value::Null
        );
        // The VAT number after "TVA" in a header is no VAT amount; "Base HT" names the total before tax.
        let text = "GARAGE LEMAIRE FRÈRES\nSIREN 893 526 483 – TVA FR78 893 526 483\nBase HT   986,20 €\n\
            TVA 20 %   197,24 €\nTotal TTC   1 183,44 €";
        let f = analyse(text, "invoice", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(f["vat_amount"]["value"], "197.24", "{f}");
        assert_eq!(f["total_excl_tax"]["value"], "986.20", "{f}");
        assert_eq!(f["vat_number"]["value"], "FR78893526483", "{f}");
        // A SIRET that OCR shortened is no SIRET; a number's trailing dash is not part of it.
        let text =
            "Garage Lemaire\nSIRET 523 670 206 011\nFacture n° G2025.8653-\nTotal TTC   12,00 €";
        let f = analyse(text, "invoice", "ocr", 1).analysis_data["fields"].clone();
        assert!(f.get("siret").is_none(), "{f}");
        assert_eq!(f["invoice_number"]["value"], "G2025.8653", "{f}");
        // A VAT recap table beside the totals: an amount two cells after a label is another label's.
        let text = "Garage Lemaire\nCode   Base HT   Taux   Montant TVA   Montant HT   518,94 €\n\
            T1   518,94   20,00   103,79\nMontant TVA   103,79 €\nMontant TTC   622,73 €";
        let f = analyse(text, "invoice", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(f["vat_amount"]["value"], "103.79", "{f}");
        assert_eq!(f["total_incl_tax"]["value"], "622.73", "{f}");
    }

    #[test]
    fn certificate_values_whose_small_labels_were_lost() {
        // A photo kept the values and lost the codes A, B and E: the plate, the date beside it and the VIN are
        // known by their shape; a bilingual insurance card gives its values under the labels.
        let text = "CERTIFICAT D'IMMATRICULATION\nMK-061-LE   13/02/2021\nC.1   FOURNIER ELODIE   21/08/2023\n\
            WF0XXXGCDX6Y12345   U.1   78";
        let f = analyse(text, "registration", "ocr", 1).analysis_data["fields"].clone();
        assert_eq!(f["license_plate"]["value"], "MK-061-LE", "{f}");
        assert_eq!(f["first_registration_date"]["value"], "2021-02-13", "{f}");
        assert_eq!(f["vin"]["value"], "WF0XXXGCDX6Y12345", "{f}");
        assert_eq!(f["holder_name"]["value"], "FOURNIER ELODIE", "{f}");
        let text = "MÉMO VÉHICULE ASSURÉ\nAssureur / Insurer\nMAAF\nN° de contrat / Contract number\n4857058135\n\
            Immatriculation / Registration\nEA-608-JV\nValable du / Valid from   au / to\n03/08/2025   02/08/2026";
        let f = analyse(text, "insurance", "text_layer", 1).analysis_data["fields"].clone();
        assert_eq!(f["insurer"]["value"], "MAAF", "{f}");
        assert_eq!(f["contract_number"]["value"], "4857058135", "{f}");
        assert_eq!(f["license_plate"]["value"], "EA-608-JV", "{f}");
        assert_eq!(f["start_date"]["value"], "2025-08-03", "{f}");
        assert_eq!(f["end_date"]["value"], "2026-08-02", "{f}");
    }

    #[test]
    fn siret_luhn() {
        for ok in [
            "73282932000074",
            "732 829 320 00074",
            "44306184100047",
            "35600000000010",
        ] {
            assert!(siret_is_valid(ok), "{ok}");
        }
        // The last one is La Poste's SIREN with a digit sum that is no multiple of 5.
        for bad in [
            "73282932000075",
            "7328293200007",
            "732829320000745",
            "7328293200007A",
            "",
            "35600000000011",
        ] {
            assert!(!siret_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn vin_format_and_check_digit() {
        for ok in [
            "VF1RFB00012345678",
            "vf1rfb00012345678",
            "1M8GDM9AXKP042788",
            "VF15RBF0A12345678",
        ] {
            assert!(vin_is_valid(ok), "{ok}");
        }
        let bad = "VF1RFB0001234567 VF1RFB000123456789 VF1RFB0O012345678 VF1RFBI0012345678 VF1RFBQ0012345678 \
            VF1RFB0001234567é VF1RFB00012345_7";
        for bad in bad.split(' ').chain(["", "VF1RFB00012345 78"]) {
            assert!(!vin_is_valid(bad), "{bad}");
        }
        // Check digits: X, 1, 0; then a European VIN without one, a wrong one, a bad format.
        for ok in [
            "1M8GDM9AXKP042788",
            "11111111111111111",
            "VF1RFB00012345678",
            "vf1rfb00012345678",
        ] {
            assert!(vin_check_digit_ok(ok), "{ok}");
        }
        for bad in ["VF15RBF0A12345678", "1M8GDM9A1KP042788", "VF1RFB0001234567"] {
            assert!(!vin_check_digit_ok(bad), "{bad}");
        }
    }

    #[test]
    fn plates() {
        let ok = "AB-123-CD → AB-123-CD; ab 123 cd → AB-123-CD; AB123CD → AB-123-CD; AB - 123 - CD → AB-123-CD; \
            WW-123-AA → WW-123-AA; 1234 AB 56 → 1234 AB 56; 123ABC75 → 123 ABC 75; 12 ab 2a → 12 AB 2A; \
            456-AZ-974 → 456 AZ 974; 1 A 01 → 1 A 01";
        for (input, out) in cases(ok) {
            assert_eq!(parse_plate(input).as_deref(), Some(out), "{input}");
        }
        let bad = "AB-12-CD; AB-1234-CD; A-123-CD; AI-123-CD; AB-123-OU; AB-000-CD; SS-123-AB; AB-123-SS; 1234 AB 5; \
            12345 AB 56; 1234 ABCD 56; 1234 AB 2C; AB-123-CD-EF; ";
        for bad in bad.split("; ") {
            assert_eq!(parse_plate(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts() {
        let ok = "1 234,56 → 1234.56; 1\u{a0}234,56 € → 1234.56; 1\u{202f}234,56 → 1234.56; 1\u{2009}234,56€ → 1234.56; \
            1.234,56 → 1234.56; 1,234.56 → 1234.56; 1234.5 → 1234.50; 1234 → 1234.00; € 12,3 → 12.30; \
            EUR 1 000 → 1000.00; 99.99 EUR → 99.99; 12 euros → 12.00; $1,234.56 → 1234.56; 0,05 → 0.05; \
            1.234.567,89 → 1234567.89; 1 234 567.89 → 1234567.89; 1,234 → 1234.00; 1'234.50 CHF → 1234.50; 1,5 → 1.50";
        for (input, out) in cases(ok) {
            assert_eq!(parse_amount(input).as_deref(), Some(out), "{input}");
        }
        let bad = "; abc; €; 12,34,56; 12.34.56; 1.2345; 1,234.567; 20 %; 1 234,56 € extra; 12 345 678 901 234,00; \
            1.234.56,7; A12";
        for bad in bad.split("; ") {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates() {
        let ok = "02/03/2026 → 2026-03-02; 2-3-2026 → 2026-03-02; 02.03.2026 → 2026-03-02; 2026-03-02 → 2026-03-02; \
            02/03/26 → 2026-03-02; 02 / 03 / 2026 → 2026-03-02; 2 mars 2026 → 2026-03-02; 1er mars 2026 → 2026-03-01; \
            March 2, 2026 → 2026-03-02; march 2nd, 2026 → 2026-03-02; 2 March 2026 → 2026-03-02; \
            12 Février 2026 → 2026-02-12; 12 fevrier 2026 → 2026-02-12; 15 août 2026 → 2026-08-15; \
            3 DÉCEMBRE 2025 → 2025-12-03; 1er janv. 2026 → 2026-01-01; Sept 9, 2026 → 2026-09-09; 29/02/2024 → 2024-02-29";
        for (input, out) in cases(ok) {
            assert_eq!(parse_date(input).as_deref(), Some(out), "{input}");
        }
        let bad = "31/02/2026; 30/02/2024; 29/02/2023; 32/01/2026; 01/13/2026; 2026-13-01; 2026-02-30; 02/03-2026; \
            2 foo 2026; 02/03/2026 extra; 12/2026; 1800-01-01; 02/03/202; mars 2026; ";
        for bad in bad.split("; ") {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn currencies() {
        let ok = "€ → EUR; eur → EUR; Euros → EUR; $ → USD; USD → USD; £ → GBP; gbp → GBP; CHF → CHF; TND → TND; DT → TND";
        for (input, out) in cases(ok) {
            assert_eq!(parse_currency(input), Some(out), "{input}");
        }
        for bad in ["XYZ", "eurx", "", "€€"] {
            assert_eq!(parse_currency(bad), None, "{bad}");
        }
    }

    #[test]
    fn type_detection() {
        let pv = "Procès verbal de contrôle technique\nDéfaillances majeures\nProchain contrôle avant le 01/01/2027";
        let expected = [
            ("Facture n° 12\nTotal TTC 10,00", ("invoice", 1.0)),
            ("NET À PAYER", ("invoice", 0.33)),
            ("CARTE GRISE", ("registration", 0.33)),
            ("C.1 DUPONT\nD.1 RENAULT", ("registration", 0.67)),
            ("Carte verte\nAssureur : MMA", ("insurance", 0.67)),
            (pv, ("inspection", 1.0)),
            ("Révision + vidange", ("maintenance", 0.67)),
            // Ties go to the earlier type of §6.3.
            ("facture\ncarte grise", ("invoice", 0.33)),
            ("vidange\ncarte verte", ("insurance", 0.33)),
            ("bonjour", ("other", 0.0)),
            ("", ("other", 0.0)),
            // Patterns start on a word boundary: "attva" is no VAT.
            ("attva", ("other", 0.0)),
        ];
        for (text, out) in expected {
            assert_eq!(detect_type(text), out, "{text}");
        }
    }

    const INVOICE: &str = "GARAGE DU CENTRE SARL
12 rue de la République
69001 Lyon
SIRET : 732 829 320 00074
Tél : 04 72 00 00 00

FACTURE N° F-2026-0042
Date : 02/03/2026

Client : Jean Dupont
Véhicule : Renault Clio AB-123-CD
Kilométrage : 45 230 km

Vidange moteur + filtre          89,00
Plaquettes de frein AV           10,00

Total HT              99,00 €
TVA 20 %              19,80 €
Total TTC            118,80 €
Net à payer          118,80 €
";

    #[test]
    fn invoice_text_layer() {
        let e = analyse(INVOICE, "other", "text_layer", 1);
        assert_eq!(e.document_type, "invoice");
        // The line above the SIRET is mostly digits, so the name comes from the first lines (0.5); the amounts
        // add up (+0.1).
        let expected = json!({"document_type": "invoice", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "confidence": 0.91, "fields": {
            "invoice_number": {"value": "F-2026-0042", "confidence": 0.9, "raw": "F-2026-0042"},
            "invoice_date": {"value": "2026-03-02", "confidence": 0.9, "raw": "02/03/2026"},
            "garage_name": {"value": "GARAGE DU CENTRE SARL", "confidence": 0.7, "raw": "GARAGE DU CENTRE SARL"},
            "siret": {"value": "73282932000074", "confidence": 0.9, "raw": "732 829 320 00074"},
            "siren": {"value": "732829320", "confidence": 0.9, "raw": "732 829 320 00074"},
            "total_excl_tax": {"value": "99.00", "confidence": 1.0, "raw": "99,00 €"},
            "vat_amount": {"value": "19.80", "confidence": 1.0, "raw": "19,80 €"},
            "total_incl_tax": {"value": "118.80", "confidence": 1.0, "raw": "118,80 €"},
            "currency": {"value": "EUR", "confidence": 0.9, "raw": "€"},
            "mileage": {"value": 45230, "confidence": 0.9, "raw": "45 230 km"}},
            "suggestion": {"maintenance": {"service_date": "2026-03-02", "cost": "118.80", "mileage": 45230,
                "service_type": "Entretien", "description": "GARAGE DU CENTRE SARL — facture F-2026-0042"}}});
        assert_eq!(e.analysis_data, expected);
    }

    #[test]
    fn invoice_ocr_noisy() {
        let text = "Garage  Martin\nSIRET 73282932000074\nFACTURE  N o  : 2026/118\nFacture du 5 mars 2026\n\
            Km compteur : 87.412\nTotal H.T. : 1.234,56\nT.V.A. 20% : 246,91\nTOTAL T.T.C : 1 481,47 EUR\n";
        let e = analyse(text, "other", "ocr", 1);
        assert_eq!(e.document_type, "invoice");
        // × 0.9 for OCR; amounts 0.81 + 0.1.
        let expected = json!({
            "invoice_number": {"value": "2026/118", "confidence": 0.81, "raw": "2026/118"},
            "invoice_date": {"value": "2026-03-05", "confidence": 0.81, "raw": "5 mars 2026"},
            "garage_name": {"value": "Garage Martin", "confidence": 0.63, "raw": "Garage  Martin"},
            "siret": {"value": "73282932000074", "confidence": 0.81, "raw": "73282932000074"},
            "siren": {"value": "732829320", "confidence": 0.81, "raw": "73282932000074"},
            "total_excl_tax": {"value": "1234.56", "confidence": 0.91, "raw": "1.234,56"},
            "vat_amount": {"value": "246.91", "confidence": 0.91, "raw": "246,91"},
            "total_incl_tax": {"value": "1481.47", "confidence": 0.91, "raw": "1 481,47 EUR"},
            "currency": {"value": "EUR", "confidence": 0.81, "raw": "EUR"},
            "mileage": {"value": 87412, "confidence": 0.81, "raw": "87.412"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.82));
        let description = &e.analysis_data["suggestion"]["maintenance"]["description"];
        assert_eq!(description, &json!("Garage Martin — facture 2026/118"));
    }

    #[test]
    fn invoice_english_with_fallbacks() {
        let text = "AUTO REPAIR SHOP\nInvoice\nInvoice date: March 2, 2026\nSubtotal: $100.00\nVAT 20%: $20.00\n\
            Total: $120.00\nOdometer: 12 345\nVAT number: GB123456789\n";
        let e = analyse(text, "invoice", "text_layer", 2);
        assert_eq!(
            (
                &e.analysis_data["document_type"],
                &e.analysis_data["document_type_score"]
            ),
            (&json!("invoice"), &json!(0.33))
        );
        // No invoice number; the total comes from the fallback (0.5 + 0.1); the mileage has no unit (0.7).
        let expected = json!({
            "invoice_date": {"value": "2026-03-02", "confidence": 0.9, "raw": "March 2, 2026"},
            "garage_name": {"value": "AUTO REPAIR SHOP", "confidence": 0.5, "raw": "AUTO REPAIR SHOP"},
            "total_excl_tax": {"value": "100.00", "confidence": 1.0, "raw": "$100.00"},
            "vat_amount": {"value": "20.00", "confidence": 1.0, "raw": "$20.00"},
            "total_incl_tax": {"value": "120.00", "confidence": 0.6, "raw": "$120.00"},
            "currency": {"value": "USD", "confidence": 0.9, "raw": "$"},
            "mileage": {"value": 12345, "confidence": 0.7, "raw": "12 345"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.8));
        let description = &e.analysis_data["suggestion"]["maintenance"]["description"];
        assert_eq!(description, &json!("AUTO REPAIR SHOP"));
    }

    #[test]
    fn invoice_without_labels() {
        // "Montant" alone is no total label and there is no "total" to fall back on: no amount, no suggestion.
        let text = "FACTURE FA-77\nGarage Dupont, 3 place du Marché\nRéparation le 4/5/26\n\
            Pneus avant posés à 152 300 km\nMontant : 240,00\n";
        let e = analyse(text, "invoice", "text_layer", 1);
        let expected = json!({
            "invoice_number": {"value": "FA-77", "confidence": 0.5, "raw": "FA-77"},
            "invoice_date": {"value": "2026-05-04", "confidence": 0.7, "raw": "4/5/26"},
            "garage_name": {"value": "Garage Dupont", "confidence": 0.5, "raw": "Garage Dupont"},
            "mileage": {"value": 152300, "confidence": 0.5, "raw": "152 300 km"}});
        assert_eq!(e.analysis_data["fields"], expected);
        let suggestion = &e.analysis_data["suggestion"]["maintenance"];
        assert_eq!(
            (&suggestion["service_date"], &suggestion["cost"]),
            (&json!("2026-05-04"), &Value::Null)
        );
    }

    #[test]
    fn mileage_labels() {
        let km = |t: &str| {
            analyse(t, "invoice", "text_layer", 1).analysis_data["fields"]["mileage"].clone()
        };
        let labelled = json!({"value": 102450, "confidence": 0.9, "raw": "102 450"});
        assert_eq!(km("Immat. : GH-456-JK   Km: 102 450"), labelled);
        let after_date = json!({"value": 45230, "confidence": 0.9, "raw": "45 230 km"});
        assert_eq!(km("Kilométrage au 02/03/2026 : 45 230 km"), after_date);
        let fallback = json!({"value": 45230, "confidence": 0.5, "raw": "45 230 km"});
        assert_eq!(km("Vidange 5W30 à 45 230 km"), fallback);
        assert_eq!(km("Essai sur 2 km"), Value::Null);
    }

    const CARTE_GRISE: &str = "RÉPUBLIQUE FRANÇAISE
CERTIFICAT D'IMMATRICULATION
A AB-123-CD        B 15/03/2019
C.1 DUPONT JEAN
C.3 12 RUE DES LILAS 75011 PARIS
D.1 RENAULT
D.2 BH0A1234567
D.3 CLIO
E VF1RFB00012345678
F.1 1588   F.2 1588
I 20/04/2021
P.1 1461   P.3 GO   P.6 5
";

    #[test]
    fn registration_text_layer() {
        let e = analyse(CARTE_GRISE, "other", "text_layer", 1);
        assert_eq!(e.document_type, "registration");
        let expected = json!({"document_type": "registration", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "confidence": 0.9, "fields": {
            "license_plate": {"value": "AB-123-CD", "confidence": 0.9, "raw": "AB-123-CD"},
            "first_registration_date": {"value": "2019-03-15", "confidence": 0.9, "raw": "15/03/2019"},
            "holder_name": {"value": "DUPONT JEAN", "confidence": 0.9, "raw": "DUPONT JEAN"},
            "make": {"value": "RENAULT", "confidence": 0.9, "raw": "RENAULT"},
            "vehicle_type": {"value": "BH0A1234567", "confidence": 0.9, "raw": "BH0A1234567"},
            "model": {"value": "CLIO", "confidence": 0.9, "raw": "CLIO"},
            "vin": {"value": "VF1RFB00012345678", "confidence": 0.9, "raw": "VF1RFB00012345678"},
            "fuel_type": {"value": "diesel", "confidence": 0.9, "raw": "GO"},
            "fiscal_power": {"value": 5, "confidence": 0.9, "raw": "5"},
            "certificate_date": {"value": "2021-04-20", "confidence": 0.9, "raw": "20/04/2021"}},
            "suggestion": {"vehicle": {"make": "RENAULT", "model": "CLIO", "year": 2019,
                "license_plate": "AB-123-CD", "vin": "VF1RFB00012345678", "fuel_type": "diesel"}}});
        assert_eq!(e.analysis_data, expected);
    }

    #[test]
    fn registration_ocr_parenthesised_labels() {
        let text = "CERTIFICAT D’IMMATRICULATION\n(A) ab 123 cd\n(B) 15.03.19\n(C.1) : MARTIN  Paul   15/06/2024\n\
            (D.1) PEUGEOT (D.2) 2OO8XYZ (D.3) 208\n(E) VF3LCYHZPHS123456\n(P.3) ES\n(P.6): 6\n";
        let e = analyse(text, "registration", "ocr", 1);
        // Two-digit year and a VIN without check digit: 0.7 × 0.9.
        let expected = json!({
            "license_plate": {"value": "AB-123-CD", "confidence": 0.81, "raw": "ab 123 cd"},
            "first_registration_date": {"value": "2019-03-15", "confidence": 0.63, "raw": "15.03.19"},
            "holder_name": {"value": "MARTIN Paul", "confidence": 0.81, "raw": "MARTIN  Paul"},
            "make": {"value": "PEUGEOT", "confidence": 0.81, "raw": "PEUGEOT"},
            "vehicle_type": {"value": "2OO8XYZ", "confidence": 0.81, "raw": "2OO8XYZ"},
            "model": {"value": "208", "confidence": 0.81, "raw": "208"},
            "vin": {"value": "VF3LCYHZPHS123456", "confidence": 0.63, "raw": "VF3LCYHZPHS123456"},
            "fuel_type": {"value": "gasoline", "confidence": 0.81, "raw": "ES"},
            "fiscal_power": {"value": 6, "confidence": 0.81, "raw": "6"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.77));
        assert_eq!(
            e.analysis_data["suggestion"]["vehicle"]["year"],
            json!(2019)
        );
    }

    #[test]
    fn registration_labels_glued_by_ocr() {
        let text = "CERTIFICAT D'IMMATRICULATION\nAFG-482-KL\nB 14/05/2019\nEVF1RJA00X63123456\nI13/07/2026\nABCDEF\nE12";
        let r = analyse(text, "other", "ocr", 1);
        let f = &r.analysis_data["fields"];
        assert_eq!(f["license_plate"]["value"], "FG-482-KL");
        assert_eq!(f["license_plate"]["confidence"], 0.63);
        assert_eq!(f["vin"]["value"], "VF1RJA00X63123456");
        assert_eq!(f["certificate_date"]["value"], "2026-07-13");
        // A plate that starts with A is not taken for a glued label: it is the plate, read by its shape alone.
        let r = analyse(
            "CERTIFICAT D'IMMATRICULATION\nAB-123-CD\n",
            "other",
            "ocr",
            1,
        );
        assert_eq!(
            r.analysis_data["fields"]["license_plate"]["value"],
            "AB-123-CD"
        );
        assert_eq!(
            r.analysis_data["fields"]["license_plate"]["confidence"],
            0.45
        );
    }

    #[test]
    fn registration_edge_cases() {
        // Bare letters are labels only before a value of the right shape ("à partir", "I am" are not); other fuel
        // codes are kept as printed; a VIN split by OCR is joined.
        let text = "à partir du 1er janvier\nI am here\nA 1234 AB 56\nD.1: FIAT\nP.3 GP\nE. VF1 RFB00 012345678\n";
        let slip = analyse("E VF1RFBOO012345678", "registration", "text_layer", 1);
        let vin =
            json!({"value": "VF1RFB00012345678", "confidence": 0.7, "raw": "VF1RFBOO012345678"});
        assert_eq!(slip.analysis_data["fields"]["vin"], vin);
        let e = analyse(text, "registration", "text_layer", 1);
        let expected = json!({
            "license_plate": {"value": "1234 AB 56", "confidence": 0.9, "raw": "1234 AB 56"},
            "make": {"value": "FIAT", "confidence": 0.9, "raw": "FIAT"},
            "vin": {"value": "VF1RFB00012345678", "confidence": 0.9, "raw": "VF1 RFB00 012345678"},
            "fuel_type": {"value": "GP", "confidence": 0.7, "raw": "GP"}});
        assert_eq!(e.analysis_data["fields"], expected);
        let vehicle = json!({"vehicle": {"make": "FIAT", "model": null, "year": null, "license_plate": "1234 AB 56",
            "vin": "VF1RFB00012345678", "fuel_type": null}});
        assert_eq!(e.analysis_data["suggestion"], vehicle);
    }

    #[test]
    fn insurance_french() {
        let text = "ATTESTATION D'ASSURANCE\nAssureur : AXA France IARD\nSouscripteur : M. Jean Dupont\n\
            Contrat n° 123 456 789\nVéhicule assuré : Renault Clio AB-123-CD\nValable du 01/01/2026 au 31/12/2026\n";
        let e = analyse(text, "other", "text_layer", 1);
        assert_eq!(e.document_type, "insurance");
        let expected = json!({"document_type": "insurance", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "confidence": 0.9, "fields": {
            "insurer": {"value": "AXA France IARD", "confidence": 0.9, "raw": "AXA France IARD"},
            "contract_number": {"value": "123456789", "confidence": 0.9, "raw": "123 456 789"},
            "start_date": {"value": "2026-01-01", "confidence": 0.9, "raw": "01/01/2026"},
            "end_date": {"value": "2026-12-31", "confidence": 0.9, "raw": "31/12/2026"}}});
        assert_eq!(e.analysis_data, expected);
    }

    #[test]
    fn insurance_english_mixed_known_insurer() {
        let text = "MAAF Assurances\nInsurance certificate\nPolicy number: P-778812\n\
            Effective from 2026-01-01 until 2026-12-31\n";
        let e = analyse(text, "insurance", "mixed", 2);
        let expected = json!({
            "insurer": {"value": "MAAF", "confidence": 0.45, "raw": "MAAF"},
            "contract_number": {"value": "P-778812", "confidence": 0.81, "raw": "P-778812"},
            "start_date": {"value": "2026-01-01", "confidence": 0.81, "raw": "2026-01-01"},
            "end_date": {"value": "2026-12-31", "confidence": 0.81, "raw": "2026-12-31"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.72));
    }

    #[test]
    fn stored_type_is_kept() {
        let e = analyse(INVOICE, "maintenance", "text_layer", 1);
        assert_eq!(e.document_type, "maintenance");
        let expected = json!({"document_type": "invoice", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "fields": {}, "confidence": 0.0});
        assert_eq!(e.analysis_data, expected);
        let e = analyse("rien à signaler", "other", "ocr", 1);
        assert_eq!(e.document_type, "other");
        assert_eq!(e.analysis_data["document_type_score"], json!(0.0));
    }

    #[test]
    fn fuel_codes_map_to_vehicle_values() {
        for code in ["ES", "GO", "EL", "EH", "GH", "EE", "GL"] {
            assert!(
                fuel(code).is_some_and(|f| FUEL_TYPES.contains(&f)),
                "{code}"
            );
        }
    }

    use chrono::Datelike;
    use proptest::prelude::*;

    const MONTHS_FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const MONTHS_EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1900i32..=2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    /// A date as invoices print it (`style` picks the layout), and whether the year has four digits.
    fn print_date(d: NaiveDate, style: usize) -> (String, bool) {
        let (y, m, day) = (d.year(), d.month(), d.day());
        let month = |names: [&'static str; 12]| names[m as usize - 1];
        match style {
            0 => (format!("{day:02}/{m:02}/{y}"), true),
            1 => (format!("{day}-{m}-{y}"), true),
            2 => (format!("{day:02}.{m:02}.{y}"), true),
            3 => (format!("{y}-{m:02}-{day:02}"), true),
            4 => (
                format!(
                    "{} {} {y}",
                    if day == 1 {
                        "1er".to_owned()
                    } else {
                        day.to_string()
                    },
                    month(MONTHS_FR)
                ),
                true,
            ),
            5 => (format!("{} {day}, {y}", month(MONTHS_EN)), true),
            6 => (
                format!("{day} {} {y}", month(MONTHS_FR).to_uppercase()),
                true,
            ),
            _ => (format!("{day:02}/{m:02}/{:02}", y % 100), false),
        }
    }

    /// Cents printed with the thousands and decimal marks of one `style`, maybe with a currency.
    fn print_amount(cents: i64, style: usize, one_decimal: bool, currency: usize) -> String {
        let units = (cents / 100).to_string();
        let (thousands, decimal) = [
            (" ", ","),
            ("\u{a0}", ","),
            ("\u{202f}", ","),
            (".", ","),
            (",", "."),
            ("'", "."),
            ("", "."),
            ("", ","),
        ][style];
        let mut grouped = String::new();
        for (k, c) in units.chars().enumerate() {
            if k > 0 && (units.len() - k).is_multiple_of(3) {
                grouped.push_str(thousands);
            }
            grouped.push(c);
        }
        let frac = if one_decimal && cents % 10 == 0 {
            format!("{}", cents % 100 / 10)
        } else {
            format!("{:02}", cents % 100)
        };
        let number = format!("{grouped}{decimal}{frac}");
        match currency {
            0 => number,
            1 => format!("{number} €"),
            2 => format!("{number}€"),
            3 => format!("€ {number}"),
            4 => format!("{number} EUR"),
            _ => format!("EUR {number}"),
        }
    }

    /// The Luhn digit that completes `body` (own computation, from the right: every second digit doubled).
    fn luhn_digit(body: &str) -> char {
        let sum: u32 = body
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap();
                if i % 2 == 0 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        char::from_digit((10 - sum % 10) % 10, 10).unwrap()
    }

    /// ISO 3779 check character for a VIN (position 9 ignored).
    fn vin_check_char(vin: &str) -> char {
        let value = |c: char| -> u32 {
            if let Some(d) = c.to_digit(10) {
                return d;
            }
            for (letters, first) in [
                ("ABCDEFGH", 1),
                ("JKLMN", 1),
                ("P", 7),
                ("R", 9),
                ("STUVWXYZ", 2),
            ] {
                if let Some(k) = letters.find(c) {
                    return first + k as u32;
                }
            }
            unreachable!("{c}")
        };
        let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        let sum: u32 = vin
            .chars()
            .zip(weights)
            .map(|(c, w)| value(c.to_ascii_uppercase()) * w)
            .sum();
        if sum % 11 == 10 {
            'X'
        } else {
            char::from_digit(sum % 11, 10).unwrap()
        }
    }

    const VIN_CHARS: &str = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

    fn vin_with_check_digit() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(VIN_CHARS.chars().collect::<Vec<_>>()),
            17,
        )
        .prop_map(|chars| {
            let mut vin: Vec<char> = chars;
            vin[8] = '0';
            vin[8] = vin_check_char(&vin.iter().collect::<String>());
            vin.into_iter().collect()
        })
    }

    /// Lines that carry no field: words of three letters or more and bare numbers.
    fn noise_lines() -> impl Strategy<Value = Vec<String>> {
        let word = prop_oneof!["[a-zA-Z]{3,10}", "[0-9]{1,6}"];
        proptest::collection::vec(
            proptest::collection::vec(word, 0..6).prop_map(|w| w.join(" ")),
            0..5,
        )
    }

    proptest! {
        /// Any text, type and source: no panic, confidences within 0..=1, the §6.3 type rule.
        #[test]
        fn prop_any_text_analyses(
            text in prop_oneof![
                any::<String>(),
                proptest::collection::vec(
                    prop_oneof![
                        "[A-Za-z0-9 .,:/()°€%-]{0,30}",
                        Just("Total TTC".to_owned()), Just("TVA 20 %".to_owned()), Just("SIRET".to_owned()),
                        Just("E".to_owned()), Just("(A)".to_owned()), Just("C.1".to_owned()), Just("n°".to_owned()),
                        Just("1 234,56 €".to_owned()), Just("31/12/2026".to_owned()), Just("km".to_owned()),
                    ],
                    0..20,
                ).prop_map(|parts| parts.join(" ")),
            ],
            stored in proptest::sample::select(vec!["invoice", "registration", "insurance", "inspection", "maintenance", "other"]),
            source in proptest::sample::select(vec!["text_layer", "ocr", "mixed"]),
        ) {
            let e = analyse(&text, stored, source, 1);
            let data = &e.analysis_data;
            let detected = data["document_type"].as_str().unwrap();
            prop_assert!(["invoice", "registration", "insurance", "inspection", "maintenance", "other"].contains(&detected));
            let expected_type = if stored == "other" { detected } else { stored };
            prop_assert_eq!(e.document_type.as_str(), expected_type);
            for key in ["confidence", "document_type_score"] {
                let c = data[key].as_f64().unwrap();
                prop_assert!((0.0..=1.0).contains(&c), "{} {}", key, c);
            }
            for (name, field) in data["fields"].as_object().unwrap() {
                let c = field["confidence"].as_f64().unwrap();
                prop_assert!((0.0..=1.0).contains(&c), "{} {}", name, c);
                prop_assert!(!field["value"].is_null() && field["raw"].is_string(), "{}", name);
            }
            // The single-value parsers give canonical forms that read back as themselves.
            if let Some(a) = parse_amount(&text) {
                prop_assert_eq!(parse_amount(&a), Some(a.clone()));
            }
            if let Some(d) = parse_date(&text) {
                prop_assert_eq!(parse_date(&d), Some(d.clone()));
            }
            if let Some(p) = parse_plate(&text) {
                prop_assert_eq!(parse_plate(&p), Some(p.clone()));
            }
            if let Some(c) = parse_currency(&text) {
                prop_assert_eq!(parse_currency(c), Some(c));
            }
        }

        /// SIV plates in any case and spacing: the canonical `AB-123-CD`, unless the series is one the SIV
        /// never issues (I, O, U, `000`, `SS`).
        #[test]
        fn prop_siv_plates(
            a in prop_oneof![3 => "[A-Z]{2}", 1 => Just("SS".to_owned())],
            n in prop_oneof![3 => "[0-9]{3}", 1 => Just("000".to_owned())],
            b in prop_oneof![3 => "[A-Z]{2}", 1 => Just("SS".to_owned())],
            seps in proptest::sample::select(vec![("-", "-"), (" ", " "), ("", ""), (" - ", "-"), ("-", " ")]),
            lower in any::<bool>(),
        ) {
            let raw = format!("{a}{}{n}{}{b}", seps.0, seps.1);
            let raw = if lower { raw.to_lowercase() } else { raw };
            let issued = !format!("{a}{b}").contains(['I', 'O', 'U']) && n != "000" && a != "SS" && b != "SS";
            let expected = issued.then(|| format!("{a}-{n}-{b}"));
            prop_assert_eq!(parse_plate(&raw), expected.clone(), "{:?}", raw);
            prop_assert_eq!(parse_plate(&format!("  {raw} ")), expected);
            // One character more or less is no plate.
            prop_assert_eq!(parse_plate(&format!("{raw}1")), None);
            prop_assert_eq!(parse_plate(&raw[1..]), None);
        }

        /// FNI plates: 1–4 digits, 1–3 letters, a département (2 digits, 2A/2B, 97x) → single spaces.
        #[test]
        fn prop_fni_plates(
            num in "[0-9]{1,4}", letters in "[A-Z]{1,3}",
            dept in prop_oneof!["[0-9]{2}", Just("2A".to_owned()), Just("2B".to_owned()), "97[0-9]"],
            bad_dept in prop_oneof!["[0-9]", "[0-9]{4}", "9[0-68-9][0-9]", Just("2C".to_owned())],
            seps in proptest::sample::select(vec![(" ", " "), ("", ""), ("-", "-"), ("  ", "")]),
        ) {
            let raw = format!("{num}{}{letters}{}{dept}", seps.0, seps.1);
            prop_assert_eq!(parse_plate(&raw.to_lowercase()), Some(format!("{num} {letters} {dept}")), "{:?}", raw);
            let bad = format!("{num} {letters} {bad_dept}");
            prop_assert_eq!(parse_plate(&bad), None, "{:?}", bad);
        }

        #[test]
        fn prop_amounts_read_back(
            cents in prop_oneof![0i64..100_000, 0i64..10_000_000_000_000],
            style in 0usize..8,
            one_decimal in any::<bool>(),
            currency in 0usize..6,
        ) {
            let printed = print_amount(cents, style, one_decimal, currency);
            prop_assert_eq!(parse_amount(&printed), Some(format_cents(cents)), "{:?}", printed);
        }

        #[test]
        fn prop_dates_read_back(d in any_date(), style in 0usize..8) {
            let (printed, full) = print_date(d, style);
            // Two-digit years are read as 20yy.
            let expected = if full { Some(d) } else { NaiveDate::from_ymd_opt(2000 + d.year() % 100, d.month(), d.day()) };
            let expected = expected.map(iso);
            prop_assert_eq!(parse_date(&printed), expected, "{:?}", printed);
        }

        /// Luhn-valid SIRETs are valid with or without spaces; changing any one digit breaks them (outside La
        /// Poste's SIREN, numbered differently).
        #[test]
        fn prop_siret_luhn(body in "[0-9]{13}", pos in 0usize..14, delta in 1u32..10) {
            let siret = format!("{body}{}", luhn_digit(&body));
            prop_assert!(siret_is_valid(&siret), "{}", siret);
            let spaced = format!("{} {} {} {}", &siret[..3], &siret[3..6], &siret[6..9], &siret[9..]);
            prop_assert!(siret_is_valid(&spaced), "{}", spaced);
            let mut wrong: Vec<char> = siret.chars().collect();
            wrong[pos] = char::from_digit((wrong[pos].to_digit(10).unwrap() + delta) % 10, 10).unwrap();
            let wrong: String = wrong.into_iter().collect();
            if !wrong.starts_with("356000000") {
                prop_assert!(!siret_is_valid(&wrong), "{}", wrong);
            }
            prop_assert!(!siret_is_valid(&siret[1..]));
        }

        /// VINs built with a correct check character pass; any other character at position 9 fails.
        #[test]
        fn prop_vin_check_digit(vin in vin_with_check_digit(), other in proptest::sample::select("0123456789X".chars().collect::<Vec<_>>())) {
            prop_assert!(vin_is_valid(&vin));
            prop_assert!(vin_check_digit_ok(&vin), "{}", vin);
            prop_assert!(vin_check_digit_ok(&vin.to_lowercase()), "{}", vin);
            let mut changed: Vec<char> = vin.chars().collect();
            let keep = changed[8] == other;
            changed[8] = other;
            let changed: String = changed.into_iter().collect();
            prop_assert_eq!(vin_check_digit_ok(&changed), keep, "{}", changed);
        }

        /// A registration certificate with noise around the VIN line: the VIN is read, upper-cased, with the
        /// confidence of a VIN whose check digit is right.
        #[test]
        fn prop_vin_found_among_noise(
            vin in vin_with_check_digit(),
            lower in any::<bool>(),
            label in proptest::sample::select(vec!["E", "E.", "(E)", "E:", "e"]),
            before in noise_lines(),
            same_line in "([a-zA-Z]{3,10} ){0,3}",
            after in noise_lines(),
        ) {
            let printed = if lower { vin.to_lowercase() } else { vin.clone() };
            let mut lines = vec!["CERTIFICAT D'IMMATRICULATION".to_owned()];
            lines.extend(before);
            lines.push(format!("{same_line}{label} {printed} {}", after.first().cloned().unwrap_or_default()));
            lines.extend(after);
            let text = lines.join("\n");
            let e = analyse(&text, "registration", "text_layer", 1);
            let field = &e.analysis_data["fields"]["vin"];
            prop_assert_eq!(&field["value"], &json!(vin), "{}", text);
            prop_assert_eq!(&field["confidence"], &json!(0.9));
        }

        /// A generated invoice: its total, VAT, date and SIRET are extracted back.
        #[test]
        fn prop_invoice_fields_read_back(
            name in "[A-Z]{3,10} [A-Z]{3,10}",
            siret_body in "[1-9][0-9]{12}",
            spaced_siret in any::<bool>(),
            date in any_date(),
            date_style in 0usize..7,
            ht in 0i64..100_000_000,
            vat in 0i64..20_000_000,
            amount_style in 0usize..6,
            noise in noise_lines(),
        ) {
            let siret = format!("{siret_body}{}", luhn_digit(&siret_body));
            let printed_siret = if spaced_siret {
                format!("{} {} {} {}", &siret[..3], &siret[3..6], &siret[6..9], &siret[9..])
            } else {
                siret.clone()
            };
            let (printed_date, _) = print_date(date, date_style);
            let amount = |c: i64| print_amount(c, amount_style, false, 1);
            let mut lines = vec![
                format!("GARAGE {name}"),
                format!("SIRET : {printed_siret}"),
                "FACTURE N° F-2026-0042".to_owned(),
                format!("Date : {printed_date}"),
            ];
            lines.extend(noise);
            lines.push(format!("Total HT     {}", amount(ht)));
            lines.push(format!("TVA 20 %     {}", amount(vat)));
            lines.push(format!("Total TTC    {}", amount(ht + vat)));
            let text = lines.join("\n");
            let e = analyse(&text, "other", "text_layer", 1);
            prop_assert_eq!(e.document_type.as_str(), "invoice");
            let f = &e.analysis_data["fields"];
            prop_assert_eq!(&f["invoice_date"]["value"], &json!(iso(date)), "{}", text);
            prop_assert_eq!(&f["siret"]["value"], &json!(siret), "{}", text);
            prop_assert_eq!(&f["siret"]["confidence"], &json!(0.9));
            prop_assert_eq!(&f["total_excl_tax"]["value"], &json!(format_cents(ht)), "{}", text);
            prop_assert_eq!(&f["vat_amount"]["value"], &json!(format_cents(vat)), "{}", text);
            prop_assert_eq!(&f["total_incl_tax"]["value"], &json!(format_cents(ht + vat)), "{}", text);
            prop_assert_eq!(&f["total_incl_tax"]["confidence"], &json!(1.0));
            prop_assert_eq!(&f["currency"]["value"], &json!("EUR"));
            prop_assert_eq!(&e.analysis_data["suggestion"]["maintenance"]["cost"], &json!(format_cents(ht + vat)));
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let small = [
            "",
            " ",
            "\n\n\r\n",
            ".:;,-_/()[]{}!?%€$£#",
            "n° n o N° : : :",
            "1.2.3,4,5 6 7 8 9 0",
            "🚗🚙 ∑∂ ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u{301}\u{301} \u{0}\u{feff}İ ǅ ﬁ",
            "(A)\n(A) (\nC.\nE 12345678901234567890",
            "99999999999999999999999,99 €",
            "31/02/2026 00/00/0000 9999-99-99",
            "TOTAL TTC\nTVA",
            "A\nB\nE\nI\n(\n",
        ];
        // Long lines must stay linear: repeated labels, endless digit runs and digit groups.
        let labels = "total tva du le A (A) C.1 n° 1 234,5 ".repeat(800);
        let big = [
            labels + &"x".repeat(20_000),
            "1".repeat(50_000),
            "1 234 ".repeat(8000),
            "facture n° 1 ".repeat(5000),
            "é".repeat(30_000),
        ];
        let types = [
            "invoice",
            "registration",
            "insurance",
            "inspection",
            "maintenance",
            "other",
        ];
        let sources = ["text_layer", "ocr", "mixed"];
        let runs = small
            .iter()
            .flat_map(|t| sources.map(|s| (*t, s)))
            .chain(big.iter().map(|t| (t.as_str(), "ocr")));
        for (text, source) in runs {
            for ty in types {
                let e = analyse(text, ty, source, 1);
                assert!(e.analysis_data["fields"].is_object());
                let c = e.analysis_data["confidence"].as_f64().unwrap_or(-1.0);
                assert!((0.0..=1.0).contains(&c), "{c}");
            }
        }
    }
}
