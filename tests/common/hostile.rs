#![allow(dead_code)]
//! Generators of hostile upload files for the black-box tests and the fuzz seeds: decompression bombs in
//! the PDF filters lopdf decodes, a file that makes a naive stream scanner quadratic, and ZIP files that
//! test the DOCX sniffing.
//!
//! Every bomb is written as a compressed bit stream directly (a dynamic-Huffman deflate block of
//! length-258/distance-1 matches, LZW codes for a run of one byte), never by running a compressor over the
//! inflated bytes, so a 400 MiB bomb takes milliseconds to make even in an unoptimised build. Only `std`
//! is used.

const MIB: u64 = 1024 * 1024;

/// Byte that fills every bomb: a space is valid padding both in a content stream and in an object stream.
const FILL: u8 = b' ';

/// A PDF of one page whose page dictionary lives in a `/FlateDecode` object stream (`/Type /ObjStm`) that
/// inflates to exactly `inflated_mib` MiB: the page object at its start, then spaces.
///
/// The objects are found through a cross-reference stream (`/Type /XRef`, so the page is a compressed entry
/// of the object stream), and lopdf expands every object stream whole while it loads the file. The zlib
/// header declares a 16 KiB window (`0x68 0x05`, not the usual `0x78 ..`), so a guard that only inflates
/// streams starting with `0x78` lets it through. The Adler-32 trailer is correct: strict inflaters accept
/// it. About 1 KiB of file per MiB inflated (a 400 MiB bomb is about 400 KiB); with `inflated_mib` 0 the
/// stream holds just the 77 bytes of the page object.
pub fn objstm_zlib_window_bomb(inflated_mib: u64) -> Vec<u8> {
    let index = b"3 0 ".to_vec();
    let page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>\n";
    let mut prefix = index.clone();
    prefix.extend_from_slice(page);
    let run = (inflated_mib * MIB).saturating_sub(prefix.len() as u64);
    let data = zlib_prefixed_run(0x68, &prefix, FILL, run);

    let mut pdf = PdfWriter::new("1.5");
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    let objstm_dict = format!(
        "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
        index.len()
    );
    pdf.stream_object(4, &objstm_dict, &data);

    // Cross-reference stream, uncompressed: W [1 4 2], one entry per object 0..=5.
    let xref_offset = pdf.out.len();
    let mut entries = Vec::new();
    let mut entry = |kind: u8, field2: u32, field3: u16| {
        entries.push(kind);
        entries.extend_from_slice(&field2.to_be_bytes());
        entries.extend_from_slice(&field3.to_be_bytes());
    };
    entry(0, 0, 0xFFFF);
    entry(1, pdf.offset_of(1), 0);
    entry(1, pdf.offset_of(2), 0);
    entry(2, 4, 0); // object 3: index 0 of object stream 4
    entry(1, pdf.offset_of(4), 0);
    entry(1, xref_offset as u32, 0);
    pdf.stream_object(
        5,
        "/Type /XRef /Size 6 /W [1 4 2] /Index [0 6] /Root 1 0 R",
        &entries,
    );
    pdf.out
        .extend_from_slice(format!("startxref\n{xref_offset}\n%%EOF\n").as_bytes());
    pdf.out
}

/// A one-page PDF with an extra object stream (`/Type /ObjStm`, holding no object) that is `/LZWDecode` and
/// decodes to exactly `inflated_mib` MiB of spaces.
///
/// Hostile because lopdf expands every object stream whole while it loads the file, before a reader can look
/// at a page or a stream's size, and a pre-check that inflates zlib data never sees LZW: only a memory limit
/// on the process that parses the file stops it.
pub fn objstm_lzw_bomb(inflated_mib: u64) -> Vec<u8> {
    let data = lzw_run(FILL, inflated_mib * MIB);
    let mut pdf = PdfWriter::new("1.5");
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.object(
        3,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>",
    );
    pdf.stream_object(4, "/Type /ObjStm /N 0 /First 0 /Filter /LZWDecode", &data);
    pdf.finish_with_table(1)
}

/// A one-page PDF whose page CONTENT stream is `/LZWDecode` (PDF LZW: MSB-first codes of 9 to 12 bits,
/// `EarlyChange` 1, the default) decoding to exactly `inflated_mib` MiB of spaces.
///
/// Hostile because a guard that bounds only `/FlateDecode` streams never looks at it, while lopdf decodes
/// it whole when the page content is read. The codes stand for ever longer runs of the byte (1, 2, 3…
/// bytes), with a clear-table code whenever the table is nearly full: about 0.7 KiB of file per MiB.
pub fn lzw_bomb(inflated_mib: u64) -> Vec<u8> {
    let data = lzw_run(FILL, inflated_mib * MIB);
    one_page_pdf_with_content("/Filter /LZWDecode", &data)
}

/// A one-page PDF whose page content stream has `/Filter [/ASCII85Decode /FlateDecode]` and decodes to
/// exactly `inflated_mib` MiB of spaces.
///
/// Hostile because the raw stream bytes are ASCII85 text, not a zlib header: a guard that inflates only
/// streams starting with `0x78`, or that inflates the raw bytes of any stream naming `/FlateDecode`, sees
/// nothing to inflate, while lopdf decodes both filters whole. The deflate data is mostly zero bytes, which
/// ASCII85 writes as `z`: about 0.25 KiB of file per MiB.
pub fn ascii85_flate_bomb(inflated_mib: u64) -> Vec<u8> {
    let zlib = zlib_prefixed_run(0x78, &[], FILL, inflated_mib * MIB);
    let data = ascii85(&zlib);
    one_page_pdf_with_content("/Filter [/ASCII85Decode /FlateDecode]", &data)
}

/// `%PDF-1.4\n` followed by as many `stream\n` as fit in `bytes` bytes (the header alone if `bytes` is
/// smaller than it); there is no `endstream`, no object and no cross-reference section.
///
/// Hostile to a scanner that, for each `stream` keyword, searches to the end of the file for `endstream`:
/// that is quadratic in the file size (an 8 MiB flood is about 1.2 million searches of up to 8 MiB).
pub fn stream_keyword_flood(bytes: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let unit = b"stream\n";
    let count = bytes.saturating_sub(out.len()) / unit.len();
    out.reserve(count * unit.len());
    for _ in 0..count {
        out.extend_from_slice(unit);
    }
    out
}

/// A valid ZIP (stored entry, correct CRC-32 and central directory) with a single entry `notes.txt` whose
/// text mentions `word/document.xml` and `[Content_Types].xml`.
///
/// It is NOT a DOCX: no entry has those names. Hostile to a sniffer that searches the whole file for the
/// bytes `word/document.xml` instead of reading the entry names from the central directory.
pub fn zip_naming_docx_in_content() -> Vec<u8> {
    let notes = b"A DOCX would have the entries word/document.xml and [Content_Types].xml.\n\
This archive only names them in this text; it has neither.\n";
    zip_stored(&[("notes.txt", notes.as_slice())])
}

/// A valid, minimal DOCX: a ZIP (stored entries) with `[Content_Types].xml`, `_rels/.rels` and
/// `word/document.xml` (one paragraph, "Hello"). The well-formed counterpart of
/// [`zip_naming_docx_in_content`].
pub fn minimal_docx() -> Vec<u8> {
    let content_types = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let document = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"#;
    zip_stored(&[
        ("[Content_Types].xml", content_types.as_slice()),
        ("_rels/.rels", rels.as_slice()),
        ("word/document.xml", document.as_slice()),
    ])
}

// ---------------------------------------------------------------------------------------------------------
// PDF

/// Appends numbered objects to a PDF and remembers where each starts.
struct PdfWriter {
    out: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

impl PdfWriter {
    fn new(version: &str) -> Self {
        let mut out = format!("%PDF-{version}\n").into_bytes();
        out.extend_from_slice(b"%\xE2\xE3\xCF\xD3\n");
        Self {
            out,
            offsets: Vec::new(),
        }
    }

    fn object(&mut self, number: u32, body: &[u8]) {
        self.offsets.push((number, self.out.len()));
        self.out
            .extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    /// A stream object: `dict_entries` without `/Length`, which is added.
    fn stream_object(&mut self, number: u32, dict_entries: &str, data: &[u8]) {
        self.offsets.push((number, self.out.len()));
        let head = format!(
            "{number} 0 obj\n<< {dict_entries} /Length {} >>\nstream\n",
            data.len()
        );
        self.out.extend_from_slice(head.as_bytes());
        self.out.extend_from_slice(data);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn offset_of(&self, number: u32) -> u32 {
        self.offsets
            .iter()
            .find(|(n, _)| *n == number)
            .map_or(0, |(_, offset)| *offset as u32)
    }

    /// Ends the file with a classic cross-reference table covering objects `0..=max` and a trailer.
    fn finish_with_table(mut self, root: u32) -> Vec<u8> {
        let size = self.offsets.iter().map(|(n, _)| *n).max().unwrap_or(0) + 1;
        let xref_offset = self.out.len();
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
        for number in 1..size {
            match self.offsets.iter().find(|(n, _)| *n == number) {
                Some((_, offset)) => table.push_str(&format!("{offset:010} 00000 n\r\n")),
                None => table.push_str("0000000000 65535 f\r\n"),
            }
        }
        table.push_str(&format!(
            "trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n"
        ));
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}

/// Catalog 1, pages 2, page 3 whose content stream is object 4 with `filter` and `data`.
fn one_page_pdf_with_content(filter: &str, data: &[u8]) -> Vec<u8> {
    let mut pdf = PdfWriter::new("1.4");
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.object(
        3,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>",
    );
    pdf.stream_object(4, filter, data);
    pdf.finish_with_table(1)
}

// ---------------------------------------------------------------------------------------------------------
// Deflate and zlib

/// Writes bits least-significant first, as deflate does.
#[derive(Default)]
struct LsbWriter {
    out: Vec<u8>,
    /// Bits used in the last byte of `out`; 0 when it is full (or `out` is empty).
    used: u32,
}

impl LsbWriter {
    fn bit(&mut self, one: bool) {
        if self.used == 0 {
            self.out.push(0);
        }
        if one && let Some(last) = self.out.last_mut() {
            *last |= 1 << self.used;
        }
        self.used = (self.used + 1) % 8;
    }

    /// `count` bits of `value`, least significant first (deflate's header fields and extra bits).
    fn bits(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.bit((value >> i) & 1 == 1);
        }
    }

    /// A Huffman code of `len` bits, most significant first.
    fn code(&mut self, (code, len): (u32, u32)) {
        for i in (0..len).rev() {
            self.bit((code >> i) & 1 == 1);
        }
    }

    /// `count` zero bits, whole bytes at a time.
    fn zeros(&mut self, mut count: u64) {
        while count > 0 && self.used != 0 {
            self.bit(false);
            count -= 1;
        }
        let bytes = (count / 8) as usize;
        self.out.resize(self.out.len() + bytes, 0);
        for _ in 0..count % 8 {
            self.bit(false);
        }
    }

    /// Pads the last byte with zero bits.
    fn align(&mut self) {
        self.used = 0;
    }
}

/// Canonical Huffman codes (RFC 1951, 3.2.2) for the code lengths: `(code, length)` per symbol.
fn canonical_codes(lengths: &[u32]) -> Vec<(u32, u32)> {
    let max = lengths.iter().copied().max().unwrap_or(0) as usize;
    let mut count = vec![0u32; max + 1];
    for &len in lengths {
        if len > 0 {
            count[len as usize] += 1;
        }
    }
    let mut next = vec![0u32; max + 1];
    let mut code = 0;
    for bits in 1..=max {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&len| {
            if len == 0 {
                (0, 0)
            } else {
                let c = next[len as usize];
                next[len as usize] += 1;
                (c, len)
            }
        })
        .collect()
}

/// Raw deflate data for `prefix` followed by `run` copies of `byte`.
///
/// The prefix goes in stored blocks. The run is one dynamic-Huffman block whose literal/length code has
/// three symbols (`byte` and end-of-block of 2 bits, length 258 of 1 bit) and whose distance code has two
/// 1-bit codes (distance 1 and an unused one, so that both codes are complete): after one literal, every
/// 258 bytes cost 2 bits, both zero (1032:1, deflate's best), and the few leftover bytes are literals.
fn deflate_prefixed_run(prefix: &[u8], byte: u8, run: u64) -> Vec<u8> {
    let mut w = LsbWriter::default();
    for chunk in prefix.chunks(usize::from(u16::MAX)) {
        w.bits(0, 1); // BFINAL
        w.bits(0, 2); // BTYPE 00: stored
        w.align();
        let len = chunk.len() as u16;
        w.out.extend_from_slice(&len.to_le_bytes());
        w.out.extend_from_slice(&(!len).to_le_bytes());
        w.out.extend_from_slice(chunk);
    }

    w.bits(1, 1); // BFINAL
    w.bits(2, 2); // BTYPE 10: dynamic Huffman
    const LIT_CODES: usize = 286; // up to symbol 285, length 258
    const DIST_CODES: usize = 2;
    let mut lengths = vec![0u32; LIT_CODES + DIST_CODES];
    lengths[usize::from(byte)] = 2;
    lengths[256] = 2;
    lengths[285] = 1;
    lengths[LIT_CODES] = 1; // distance code 0: distance 1
    lengths[LIT_CODES + 1] = 1; // distance code 1: distance 2, never used
    w.bits((LIT_CODES - 257) as u32, 5); // HLIT
    w.bits((DIST_CODES - 1) as u32, 5); // HDIST

    // Code-length code: the symbols 0, 2 and 18 (a run of 11..=138 zeros) of 2 bits, 1 and 17 (a run of
    // 3..=10 zeros) of 3 bits; sent in the permuted order up to symbol 1, the 18th.
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let mut cl_lengths = [0u32; 19];
    cl_lengths[0] = 2;
    cl_lengths[2] = 2;
    cl_lengths[18] = 2;
    cl_lengths[1] = 3;
    cl_lengths[17] = 3;
    let cl_codes = canonical_codes(&cl_lengths);
    w.bits(18 - 4, 4); // HCLEN
    for &symbol in &ORDER[..18] {
        w.bits(cl_lengths[symbol], 3);
    }
    let mut i = 0;
    while i < lengths.len() {
        if lengths[i] != 0 {
            w.code(cl_codes[lengths[i] as usize]);
            i += 1;
            continue;
        }
        let mut zeros = lengths[i..].iter().take_while(|&&l| l == 0).count() as u32;
        i += zeros as usize;
        while zeros > 0 {
            if zeros >= 11 {
                let n = zeros.min(138);
                w.code(cl_codes[18]);
                w.bits(n - 11, 7);
                zeros -= n;
            } else if zeros >= 3 {
                w.code(cl_codes[17]);
                w.bits(zeros - 3, 3);
                zeros = 0;
            } else {
                w.code(cl_codes[0]);
                zeros -= 1;
            }
        }
    }

    let codes = canonical_codes(&lengths[..LIT_CODES]);
    let distance_codes = canonical_codes(&lengths[LIT_CODES..]);
    let literal = codes[usize::from(byte)];
    if run > 0 {
        w.code(literal);
        let rest = run - 1;
        // Length 258 is the 1-bit code 0 and distance 1 the 1-bit code 0: each match is two zero bits.
        debug_assert_eq!(codes[285], (0, 1));
        debug_assert_eq!(distance_codes[0], (0, 1));
        w.zeros(rest / 258 * 2);
        for _ in 0..rest % 258 {
            w.code(literal);
        }
    }
    w.code(codes[256]); // end of block
    w.out
}

/// Adler-32 of `prefix` followed by `run` copies of `byte`, the run in closed form.
fn adler32_prefixed_run(prefix: &[u8], byte: u8, run: u64) -> u32 {
    const MOD: u128 = 65_521;
    let (mut a, mut b) = (1u128, 0u128);
    for &x in prefix {
        a = (a + u128::from(x)) % MOD;
        b = (b + a) % MOD;
    }
    // After k more bytes A = a + k*c, and B adds up every A: b + m*a + c*m(m+1)/2.
    let m = u128::from(run);
    let c = u128::from(byte);
    let triangle = (m * (m + 1) / 2) % MOD;
    let a_end = (a + (m % MOD) * c) % MOD;
    let b_end = (b + (m % MOD) * a + c * triangle) % MOD;
    ((b_end << 16) | a_end) as u32
}

/// A zlib stream (header byte `cmf`, method 8, no dictionary; the check byte computed) of `prefix` then
/// `run` copies of `byte`, with its Adler-32.
fn zlib_prefixed_run(cmf: u8, prefix: &[u8], byte: u8, run: u64) -> Vec<u8> {
    let flg = ((31 - (u32::from(cmf) * 256) % 31) % 31) as u8;
    let mut out = vec![cmf, flg];
    out.extend_from_slice(&deflate_prefixed_run(prefix, byte, run));
    out.extend_from_slice(&adler32_prefixed_run(prefix, byte, run).to_be_bytes());
    out
}

// ---------------------------------------------------------------------------------------------------------
// LZW and ASCII85

/// Writes codes most-significant bit first, as PDF LZW does.
#[derive(Default)]
struct MsbWriter {
    out: Vec<u8>,
    acc: u32,
    bits: u32,
}

impl MsbWriter {
    fn put(&mut self, code: u32, width: u32) {
        self.acc = (self.acc << width) | code;
        self.bits += width;
        while self.bits >= 8 {
            self.out.push((self.acc >> (self.bits - 8)) as u8);
            self.bits -= 8;
        }
        self.acc &= (1 << self.bits) - 1;
    }

    fn finish(mut self) -> Vec<u8> {
        if self.bits > 0 {
            self.out.push((self.acc << (8 - self.bits)) as u8);
        }
        self.out
    }
}

/// PDF LZW data (`EarlyChange` 1) for `run` copies of `byte`.
///
/// After a clear code the k-th code stands for k bytes: the byte itself, then codes 258, 259… each the
/// entry the decoder is about to add (the "KwKwK" case). The decoder adds an entry for every code but the
/// first after a clear, and with `EarlyChange` 1 reads 10 bits once its next free entry is 511, 11 bits
/// from 1023 and 12 bits from 2047. A clear code follows the 3837th code (next free entry 4094), before
/// the table is full; the last, shorter run reuses an existing entry; then end-of-data.
fn lzw_run(byte: u8, run: u64) -> Vec<u8> {
    const CLEAR: u32 = 256;
    const EOD: u32 = 257;
    const CODES_PER_TABLE: u64 = 3837;
    let width = |next: u32| match next {
        0..511 => 9,
        511..1023 => 10,
        1023..2047 => 11,
        _ => 12,
    };
    let mut w = MsbWriter::default();
    w.put(CLEAR, 9);
    let mut next = 258u32;
    let mut sent = 0u64; // codes since the last clear
    let mut remaining = run;
    while remaining > 0 {
        let len = (sent + 1).min(remaining);
        let code = if len == 1 {
            u32::from(byte)
        } else {
            256 + len as u32
        };
        w.put(code, width(next));
        remaining -= len;
        if sent > 0 {
            next += 1;
        }
        sent += 1;
        if sent == CODES_PER_TABLE && remaining > 0 {
            w.put(CLEAR, width(next));
            next = 258;
            sent = 0;
        }
    }
    w.put(EOD, width(next));
    w.finish()
}

/// ASCII85 text of `data` (`z` for a group of four zero bytes), in lines of at most 75 characters, ending
/// with `~>`.
fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 + 16);
    let mut column = 0;
    let mut push = |out: &mut Vec<u8>, chars: &[u8]| {
        if column + chars.len() > 75 {
            out.push(b'\n');
            column = 0;
        }
        out.extend_from_slice(chars);
        column += chars.len();
    };
    for chunk in data.chunks(4) {
        if chunk == [0, 0, 0, 0] {
            push(&mut out, b"z");
            continue;
        }
        let mut group = [0u8; 4];
        group[..chunk.len()].copy_from_slice(chunk);
        let mut value = u32::from_be_bytes(group);
        let mut digits = [0u8; 5];
        for digit in digits.iter_mut().rev() {
            *digit = b'!' + (value % 85) as u8;
            value /= 85;
        }
        push(&mut out, &digits[..chunk.len() + 1]);
    }
    push(&mut out, b"~>");
    out
}

// ---------------------------------------------------------------------------------------------------------
// ZIP

/// CRC-32 (IEEE, reflected), bit by bit: the entries are small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP archive of stored (uncompressed) entries with local headers, a central directory and its end
/// record; every entry dated 2024-01-01 00:00.
fn zip_stored(entries: &[(&str, &[u8])]) -> Vec<u8> {
    const DOS_TIME: u16 = 0;
    const DOS_DATE: u16 = ((2024 - 1980) << 9) | (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;

        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&DOS_TIME.to_le_bytes());
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes()); // compressed
        out.extend_from_slice(&size.to_le_bytes()); // uncompressed
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by (MS-DOS)
        central.extend_from_slice(&20u16.to_le_bytes()); // version needed
        central.extend_from_slice(&0u16.to_le_bytes()); // flags
        central.extend_from_slice(&0u16.to_le_bytes()); // method
        central.extend_from_slice(&DOS_TIME.to_le_bytes());
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes()); // extra field
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk number
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let count = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // disk of the central directory
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    out
}
