#!/usr/bin/env python3
"""Builds the invoice test PDFs: e-invoices with the PyPI `factur-x` package (which checks each XML against its
profile's XSD and writes the PDF/A-3 with the attachment as Factur-X requires) and pypdf (a UBL file attached to
a plain PDF, as some senders do); and text PDFs whose content stream is written in another order than the page
reads (labels first, then values in a right-hand column), as many invoicing tools write them.

Usage: make.py OUT_DIR. Writes facturx-<profile>.pdf for minimum, basicwl, basic, en16931 and extended,
facturx-disagree.pdf (the visible total differs from the XML's), ubl.pdf, expected.json (what each holds), and
layout-columns.pdf, layout-english.pdf, layout-siren.pdf with layouts.json.
"""
import io
import json
import os
import sys

import facturx
from pypdf import PdfReader, PdfWriter

SELLER = {"name": "Garage Dupont SARL", "siren": "732829320", "vat": "FR44732829320"}
GUIDELINES = {
    "minimum": "urn:factur-x.eu:1p0:minimum",
    "basicwl": "urn:factur-x.eu:1p0:basicwl",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "en16931": "urn:cen.eu:en16931:2017",
    "extended": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
}
LINES = [("Vidange huile 5W30", "4.0000", "LTR", "12.50", "50.00"), ("Main d'oeuvre", "1.0000", "HUR", "49.00", "49.00")]


def text_pdf(lines):
    """A one-page PDF whose text layer holds `lines` (Helvetica, WinAnsi)."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({esc}) Tj T*")
    ops.append("ET")
    return text_pdf_from_ops("\n".join(ops))


def text_pdf_from_ops(ops):
    stream = ops.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def placed_pdf(items):
    """A one-page PDF drawing each (x, y, size, text) at its place, in the order given."""
    ops = []
    for x, y, size, text in items:
        esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm ({esc}) Tj ET")
    return text_pdf_from_ops("\n".join(ops))


def visible(number, total_ttc="118,80"):
    return text_pdf([
        SELLER["name"], "12 rue des Lilas 69003 Lyon", f"SIREN {SELLER['siren']} - TVA {SELLER['vat']}", "",
        f"FACTURE N° {number}", "Date : 03/11/2026", "",
        "Vidange huile 5W30   4 x 12,50   50,00", "Main d'oeuvre   1 x 49,00   49,00", "",
        "Total HT : 99,00 €", "TVA 20 % : 19,80 €", f"Total TTC : {total_ttc} €",
        "Echéance : 03/12/2026",
    ])


def cii(profile, number):
    with_lines = profile in ("basic", "en16931", "extended")
    detailed = profile != "minimum"
    items = ""
    if with_lines:
        for i, (name, qty, unit, price, total) in enumerate(LINES, 1):
            items += f"""
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>{i}</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{price}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="{unit}">{qty}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{total}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>"""
    address = "<ram:PostalTradeAddress><ram:PostcodeCode>69003</ram:PostcodeCode><ram:LineOne>12 rue des Lilas</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>" if detailed else "<ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
    tax = """<ram:ApplicableTradeTax><ram:CalculatedAmount>19.80</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>99.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>""" if detailed else ""
    terms = """<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20261203</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>""" if detailed else ""
    line_total = "<ram:LineTotalAmount>99.00</ram:LineTotalAmount>" if detailed else ""
    buyer_ref = "" if profile == "minimum" else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{GUIDELINES[profile]}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument>
  <ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20261103</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>{items}
  <ram:ApplicableHeaderTradeAgreement>{buyer_ref}
   <ram:SellerTradeParty>
    <ram:Name>{SELLER['name']}</ram:Name>
    <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{SELLER['siren']}</ram:ID></ram:SpecifiedLegalOrganization>
    {address}
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{SELLER['vat']}</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Camille Martin</ram:Name></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   {tax}
   {terms}
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    {line_total}
    <ram:TaxBasisTotalAmount>99.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">19.80</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>118.80</ram:GrandTotalAmount>
    <ram:DuePayableAmount>118.80</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


def ubl(number):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 <cbc:ID>{number}</cbc:ID>
 <cbc:IssueDate>2026-11-03</cbc:IssueDate>
 <cbc:DueDate>2026-12-03</cbc:DueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PartyTaxScheme><cbc:CompanyID>{SELLER['vat']}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>{SELLER['name']}</cbc:RegistrationName><cbc:CompanyID schemeID="0002">{SELLER['siren']}</cbc:CompanyID></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">19.80</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">99.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">99.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">118.80</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">118.80</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="LTR">4</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="EUR">50.00</cbc:LineExtensionAmount><cac:Item><cbc:Name>Vidange huile 5W30</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="EUR">12.50</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
 <cac:InvoiceLine><cbc:ID>2</cbc:ID><cbc:InvoicedQuantity unitCode="HUR">1</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="EUR">49.00</cbc:LineExtensionAmount><cac:Item><cbc:Name>Main d'oeuvre</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="EUR">49.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
</Invoice>
"""


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    expected = {}
    for profile in GUIDELINES:
        number = f"FX-{profile.upper()}-0117"
        pdf = facturx.generate_from_binary(visible(number), cii(profile, number).encode(), flavor="factur-x",
                                           level=profile, check_xsd=True)
        with open(os.path.join(out, f"facturx-{profile}.pdf"), "wb") as f:
            f.write(pdf)
        expected[f"facturx-{profile}.pdf"] = {"number": number, "profile": profile,
                                              "lines": 2 if profile in ("basic", "en16931", "extended") else 0}
    number = "FX-DISAGREE-0118"
    pdf = facturx.generate_from_binary(visible(number, total_ttc="120,00"), cii("en16931", number).encode(),
                                       flavor="factur-x", level="en16931", check_xsd=True)
    with open(os.path.join(out, "facturx-disagree.pdf"), "wb") as f:
        f.write(pdf)
    expected["facturx-disagree.pdf"] = {"number": number, "profile": "en16931", "lines": 2}
    # UBL attached to an ordinary PDF.
    number = "UBL-2026-0042"
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(visible(number))))
    writer.add_attachment("invoice.xml", ubl(number).encode())
    buf = io.BytesIO()
    writer.write(buf)
    with open(os.path.join(out, "ubl.pdf"), "wb") as f:
        f.write(buf.getvalue())
    expected["ubl.pdf"] = {"number": number, "profile": "en16931", "lines": 2}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    layouts(out)


def layouts(out):
    """Text PDFs laid out as real invoices are, written labels first and values after, with what each holds."""
    expected = {}
    # Two-column header, a line table, and a totals box whose labels and values are separate columns.
    labels = [(50, 800, 14, "CARROSSERIE DES ALPES"), (50, 784, 9, "3 avenue Alsace-Lorraine 38000 Grenoble"),
              (50, 772, 9, "SIRET 732 829 320 00074"), (360, 800, 14, "FACTURE"), (360, 784, 10, "N° :"),
              (360, 770, 10, "Date :"), (50, 700, 10, "Désignation"), (50, 684, 10, "Plaquettes avant"),
              (50, 670, 10, "Main d'oeuvre 1,5 h"), (330, 600, 10, "Total HT"), (330, 586, 10, "TVA 20 %"),
              (330, 572, 11, "Total TTC")]
    values = [(420, 784, 10, "CA-2026-0311"), (420, 770, 10, "14/10/2026"), (470, 700, 10, "Montant"),
              (470, 684, 10, "89,00"), (470, 670, 10, "90,00"), (470, 600, 10, "179,00 €"),
              (470, 586, 10, "35,80 €"), (470, 572, 11, "214,80 €")]
    with open(os.path.join(out, "layout-columns.pdf"), "wb") as f:
        f.write(placed_pdf(labels + values))
    expected["layout-columns.pdf"] = {"invoice_number": "CA-2026-0311", "invoice_date": "2026-10-14",
                                      "total_excl_tax": "179.00", "vat_amount": "35.80",
                                      "total_incl_tax": "214.80", "siret": "73282932000074",
                                      "garage_name": "CARROSSERIE DES ALPES"}
    # English, currency sign glued to the amounts, values in their own column.
    items = [(50, 800, 14, "Brightside Motors Ltd"), (50, 784, 9, "22 Harbour Road, Bristol BS1 5TY"),
             (360, 800, 12, "INVOICE"), (360, 784, 10, "Invoice #"), (360, 770, 10, "Invoice date:"),
             (330, 600, 10, "Subtotal"), (330, 586, 10, "Tax (20%)"), (330, 572, 11, "Total amount due"),
             (440, 784, 10, "INV-2026-311"), (440, 770, 10, "November 3, 2026"), (470, 600, 10, "$1,029.00"),
             (470, 586, 10, "$205.80"), (470, 572, 11, "$1,234.80")]
    with open(os.path.join(out, "layout-english.pdf"), "wb") as f:
        f.write(placed_pdf(items))
    expected["layout-english.pdf"] = {"invoice_number": "INV-2026-311", "invoice_date": "2026-11-03",
                                      "total_excl_tax": "1029.00", "vat_amount": "205.80",
                                      "total_incl_tax": "1234.80", "currency": "USD"}
    # Only a SIREN (in the RCS mention) and a VAT number, no SIRET.
    items = [(50, 800, 14, "AUTO REPARATION LYONNAISE"), (50, 784, 9, "SAS au capital de 10 000 EUR"),
             (50, 772, 9, "RCS Lyon B 732 829 320"), (50, 760, 9, "TVA intracommunautaire : FR 44 732 829 320"),
             (360, 800, 12, "Facture n° A-77"), (360, 786, 10, "du 04/11/2026"), (330, 600, 11, "Net à payer"),
             (470, 600, 11, "240,00 €")]
    with open(os.path.join(out, "layout-siren.pdf"), "wb") as f:
        f.write(placed_pdf(items))
    expected["layout-siren.pdf"] = {"siren": "732829320", "vat_number": "FR44732829320",
                                    "total_incl_tax": "240.00", "invoice_number": "A-77"}
    with open(os.path.join(out, "layouts.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
