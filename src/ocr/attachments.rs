//! The XML files a PDF carries: the associated files of PDF/A-3 (`/AF`, where Factur-X puts its invoice) and the
//! `/EmbeddedFiles` name tree. Each is decoded with the bounded filters, never lopdf's own decoding.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::documents::einvoice::MAX_XML_BYTES;

/// Attachments looked at, name-tree nodes visited and the depth of the tree, at most.
const MAX_FILES: usize = 8;
const MAX_NODES: usize = 256;
const MAX_DEPTH: usize = 8;

fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    doc.dereference(o).ok()?.1.as_dict().ok()
}

/// A PDF text string: UTF-16BE with its byte-order mark, else taken as Latin-1 (close enough to PDFDocEncoding
/// for a file name).
fn text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Walks the name tree at `node`, collecting the file specifications of its leaves.
fn name_tree<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    visited: &mut usize,
    out: &mut Vec<&'a Object>,
) {
    *visited += 1;
    if depth > MAX_DEPTH || *visited > MAX_NODES {
        return;
    }
    if let Ok(names) = node
        .get(b"Names")
        .and_then(|n| doc.dereference(n))
        .and_then(|(_, n)| n.as_array())
    {
        // [name1 spec1 name2 spec2 …]
        out.extend(names.iter().skip(1).step_by(2));
    }
    if let Ok(kids) = node
        .get(b"Kids")
        .and_then(|k| doc.dereference(k))
        .and_then(|(_, k)| k.as_array())
    {
        for kid in kids {
            if let Some(k) = dict(doc, kid) {
                name_tree(doc, k, depth + 1, visited, out);
            }
        }
    }
}

/// (name, bytes) of each embedded file whose name ends in `.xml`, decoded within `MAX_XML_BYTES`.
pub fn xml_files(doc: &Document) -> Vec<(String, Vec<u8>)> {
    let Ok(catalog) = doc.catalog() else {
        return Vec::new();
    };
    let mut specs: Vec<&Object> = Vec::new();
    if let Ok(af) = catalog
        .get(b"AF")
        .and_then(|a| doc.dereference(a))
        .and_then(|(_, a)| a.as_array())
    {
        specs.extend(af.iter().take(MAX_NODES));
    }
    let embedded = catalog
        .get(b"Names")
        .ok()
        .and_then(|n| dict(doc, n))
        .and_then(|names| names.get(b"EmbeddedFiles").ok())
        .and_then(|e| dict(doc, e));
    if let Some(root) = embedded {
        name_tree(doc, root, 0, &mut 0, &mut specs);
    }
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut out = Vec::new();
    for spec in specs {
        if out.len() >= MAX_FILES {
            break;
        }
        let Some(spec) = dict(doc, spec) else {
            continue;
        };
        let name = [b"UF".as_slice(), b"F"]
            .iter()
            .find_map(|k| spec.get(k).ok().and_then(|n| n.as_str().ok()))
            .map(text)
            .unwrap_or_default();
        if !name.to_ascii_lowercase().ends_with(".xml") {
            continue;
        }
        let Some(ef) = spec.get(b"EF").ok().and_then(|e| dict(doc, e)) else {
            continue;
        };
        let Some(file) = [b"F".as_slice(), b"UF"].iter().find_map(|k| ef.get(k).ok()) else {
            continue;
        };
        let Ok((id, object)) = doc.dereference(file) else {
            continue;
        };
        // The same stream is often listed by both /AF and the name tree.
        if id.is_some_and(|id| !seen.insert(id)) {
            continue;
        }
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        if let Ok(Some(bytes)) = super::pdf_filters::decode(stream, MAX_XML_BYTES as u64) {
            out.push((name, bytes));
        }
    }
    out
}
