//! XML to a flat list of elements in document order, each with its path of local names from the root, its
//! attributes and its text. Bounded: depth, element count and the bytes kept; a DOCTYPE (and with it any entity
//! declaration) is refused; only the five predefined entities and character references are resolved.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

const MAX_DEPTH: usize = 48;
const MAX_ELEMENTS: usize = 200_000;
/// Paths, attributes and texts kept, in bytes.
const MAX_KEPT: usize = 16 * 1024 * 1024;
/// The longest text kept for one element.
const MAX_TEXT: usize = 4096;

#[derive(Debug, Clone, Default)]
pub struct Element {
    /// Local names from the root, joined by `/`: `CrossIndustryInvoice/ExchangedDocument/ID`.
    pub path: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
pub struct TooBig;

fn local(name: &str) -> String {
    name.chars().take(128).collect()
}

fn open(
    e: &BytesStart,
    stack: &[usize],
    out: &mut Vec<Element>,
    kept: &mut usize,
) -> Result<usize, TooBig> {
    if stack.len() >= MAX_DEPTH || out.len() >= MAX_ELEMENTS {
        return Err(TooBig);
    }
    let name = local(e.local_name().as_ref());
    let path = match stack.last() {
        Some(&parent) => format!("{}/{name}", out[parent].path),
        None => name,
    };
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(false).flatten().take(16) {
        let key = local(a.key.local_name().as_ref());
        let value: String = a.value.chars().take(256).collect();
        *kept += key.len() + value.len();
        attrs.push((key, value));
    }
    *kept += path.len();
    if *kept > MAX_KEPT {
        return Err(TooBig);
    }
    out.push(Element {
        path,
        attrs,
        text: String::new(),
    });
    Ok(out.len() - 1)
}

fn append(out: &mut [Element], stack: &[usize], kept: &mut usize, s: &str) -> Result<(), TooBig> {
    let Some(&i) = stack.last() else {
        return Ok(());
    };
    let room = MAX_TEXT.saturating_sub(out[i].text.len());
    let piece: String = s.chars().take(room).collect();
    *kept += piece.len();
    if *kept > MAX_KEPT {
        return Err(TooBig);
    }
    out[i].text.push_str(&piece);
    Ok(())
}

/// The elements of `xml`, or `Err` for malformed XML, a DOCTYPE or a broken bound.
pub fn elements(xml: &[u8]) -> Result<Vec<Element>, TooBig> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut out: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut kept = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| TooBig)?;
        match event {
            Event::Start(e) => {
                let i = open(&e, &stack, &mut out, &mut kept)?;
                stack.push(i);
            }
            Event::End(_) => {
                if let Some(i) = stack.pop() {
                    let t = out[i].text.trim().to_owned();
                    out[i].text = t;
                }
            }
            Event::Text(t) => {
                let s = t.xml_content(XmlVersion::Implicit1_0);
                append(&mut out, &stack, &mut kept, &s)?;
            }
            Event::CData(c) => {
                let s = c.xml_content(XmlVersion::Implicit1_0);
                append(&mut out, &stack, &mut kept, &s)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.xml_content(XmlVersion::Implicit1_0);
                        // Only the predefined entities exist: nothing can declare another.
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or(TooBig)?
                            .to_owned()
                    }
                };
                append(&mut out, &stack, &mut kept, &resolved)?;
            }
            Event::DocType(_) => return Err(TooBig),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() || out.is_empty() {
        return Err(TooBig);
    }
    Ok(out)
}
