//! The stream filters lopdf can decode (Flate, LZW, ASCII85), decoded here with every stage bounded while it
//! decodes: a stage stops as soon as its output passes the limit, whatever the filter chain or the header bytes.
//! Page content streams are read through these; a stream is only handed to lopdf's own (unbounded) decoding once
//! its size is known to be within bounds.

use std::io::Read;

use super::image_input::InputError;

/// A stream's filter chain decoded with at most `limit` bytes out of each stage. `Ok(None)`: a filter lopdf
/// cannot decode either (the stream is skipped); `Err(TooLarge)` past the limit; `Err(Unreadable)` for malformed
/// data. Like lopdf, a Flate or LZW stream cut short keeps what was decoded before the damage.
pub fn decode(stream: &lopdf::Stream, limit: u64) -> Result<Option<Vec<u8>>, InputError> {
    let unreadable = |what: &str| InputError::Unreadable(what.to_owned());
    let filters: Vec<Vec<u8>> = match stream.filters() {
        Ok(f) => f.into_iter().map(<[u8]>::to_vec).collect(),
        // No /Filter: the content is the data.
        Err(_) if stream.dict.get(b"Filter").is_err() => Vec::new(),
        Err(_) => return Err(unreadable("filter")),
    };
    let early_change = stream
        .dict
        .get(b"DecodeParms")
        .and_then(lopdf::Object::as_dict)
        .and_then(|p| p.get(b"EarlyChange"))
        .and_then(lopdf::Object::as_i64)
        .map(|v| v != 0)
        .unwrap_or(true);
    let mut data = stream.content.clone();
    if data.len() as u64 > limit {
        return Err(InputError::TooLarge);
    }
    for filter in filters {
        data = match filter.as_slice() {
            b"FlateDecode" => inflate(&data, limit)?,
            b"LZWDecode" => lzw(&data, early_change, limit)?,
            b"ASCII85Decode" => ascii85(&data, limit)?,
            _ => return Ok(None),
        };
    }
    Ok(Some(data))
}

fn inflate(input: &[u8], limit: u64) -> Result<Vec<u8>, InputError> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::ZlibDecoder::new(input).take(limit + 1);
    // A damaged stream keeps what came out before the damage (lopdf does the same).
    let _ = decoder.read_to_end(&mut out);
    if out.len() as u64 > limit {
        return Err(InputError::TooLarge);
    }
    Ok(out)
}

fn lzw(input: &[u8], early_change: bool, limit: u64) -> Result<Vec<u8>, InputError> {
    use weezl::{BitOrder, LzwStatus, decode::Decoder};
    let mut decoder = if early_change {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    };
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut rest = input;
    loop {
        let r = decoder.decode_bytes(rest, &mut buf);
        rest = &rest[r.consumed_in..];
        out.extend_from_slice(&buf[..r.consumed_out]);
        if out.len() as u64 > limit {
            return Err(InputError::TooLarge);
        }
        // The end code, damaged data (keeping what came before), or nothing left to decode.
        if matches!(r.status, Ok(LzwStatus::Done) | Err(_))
            || (r.consumed_in == 0 && r.consumed_out == 0)
        {
            break;
        }
    }
    Ok(out)
}

/// ASCII85 (`<~`, white space and `~>` allowed; `z` is four zero bytes).
fn ascii85(input: &[u8], limit: u64) -> Result<Vec<u8>, InputError> {
    let bad = || InputError::Unreadable("ascii85".to_owned());
    let body = input.strip_prefix(b"<~").unwrap_or(input);
    let mut out = Vec::new();
    let mut group = [0u8; 5];
    let mut n = 0;
    for &c in body {
        match c {
            b'~' => break,
            c if c.is_ascii_whitespace() => continue,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = c - b'!';
                n += 1;
                if n == 5 {
                    out.extend_from_slice(&group_value(&group).ok_or_else(bad)?.to_be_bytes());
                    n = 0;
                }
            }
            _ => return Err(bad()),
        }
        if out.len() as u64 > limit {
            return Err(InputError::TooLarge);
        }
    }
    match n {
        0 => {}
        1 => return Err(bad()),
        _ => {
            // A final group of n characters stands for n - 1 bytes, padded with the largest digit.
            group[n..].fill(84);
            let bytes = group_value(&group).ok_or_else(bad)?.to_be_bytes();
            out.extend_from_slice(&bytes[..n - 1]);
        }
    }
    if out.len() as u64 > limit {
        return Err(InputError::TooLarge);
    }
    Ok(out)
}

fn group_value(digits: &[u8; 5]) -> Option<u32> {
    let value = digits.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
    u32::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, Object, Stream};

    fn stream(filters: &[&str], content: Vec<u8>) -> Stream {
        let mut dict = Dictionary::new();
        if !filters.is_empty() {
            dict.set(
                "Filter",
                Object::Array(
                    filters
                        .iter()
                        .map(|f| Object::Name(f.as_bytes().to_vec()))
                        .collect(),
                ),
            );
        }
        Stream::new(dict, content)
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    }

    fn lzw_encode(data: &[u8]) -> Vec<u8> {
        weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(data)
            .unwrap()
    }

    #[test]
    fn each_filter_and_chains_decode_as_lopdf_does() {
        let text = b"BT /F1 12 Tf 72 700 Td (Total TTC 118,80) Tj ET".repeat(20);
        for s in [
            stream(&[], text.clone()),
            stream(&["FlateDecode"], zlib(&text)),
            stream(&["LZWDecode"], lzw_encode(&text)),
        ] {
            assert_eq!(decode(&s, 1 << 20).unwrap().unwrap(), text);
            assert_eq!(s.decompressed_content().unwrap_or(s.content.clone()), text);
        }
        // ASCII85: "Hello world!" and a final partial group; lopdf agrees.
        let a85 = stream(&["ASCII85Decode"], b"87cURD]j7BEbo80~>".to_vec());
        assert_eq!(decode(&a85, 1024).unwrap().unwrap(), b"Hello world!");
        assert_eq!(a85.decompressed_content().unwrap(), b"Hello world!");
        let short = stream(&["ASCII85Decode"], b"<~87cURD]j7BEbo7~>".to_vec());
        assert_eq!(decode(&short, 1024).unwrap().unwrap(), b"Hello world");
        let z = stream(&["ASCII85Decode"], b"z!!~>".to_vec());
        assert_eq!(decode(&z, 1024).unwrap().unwrap(), [0, 0, 0, 0, 0]);
        // An unknown filter is left alone, as lopdf cannot read it either.
        assert!(
            decode(&stream(&["RunLengthDecode"], vec![0, b'a', 128]), 1024)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn every_stage_stops_at_the_limit() {
        let big = vec![b' '; 4 << 20];
        for s in [
            stream(&["FlateDecode"], zlib(&big)),
            stream(&["LZWDecode"], lzw_encode(&big)),
            stream(&["ASCII85Decode"], b"z".repeat(1 << 20)),
        ] {
            assert!(matches!(decode(&s, 1 << 20), Err(InputError::TooLarge)));
            assert!(decode(&s, 8 << 20).is_ok());
        }
        // A chain whose first stage looks harmless: ASCII85 text around a zlib bomb.
        let encoded = ascii85_encode(&zlib(&big));
        let chain = stream(&["ASCII85Decode", "FlateDecode"], encoded);
        assert!(matches!(decode(&chain, 1 << 20), Err(InputError::TooLarge)));
        assert_eq!(decode(&chain, 8 << 20).unwrap().unwrap().len(), big.len());
    }

    #[test]
    fn malformed_ascii85_is_unreadable() {
        for bad in [b"abc\x7f~>".as_slice(), b"!~>", b"uuuuu~>"] {
            let s = stream(&["ASCII85Decode"], bad.to_vec());
            assert!(
                matches!(decode(&s, 1024), Err(InputError::Unreadable(_))),
                "{bad:?}"
            );
        }
    }

    fn ascii85_encode(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in data.chunks(4) {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            let mut v = u32::from_be_bytes(word);
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = (v % 85) as u8 + b'!';
                v /= 85;
            }
            out.extend_from_slice(&digits[..chunk.len() + 1]);
        }
        out.extend_from_slice(b"~>");
        out
    }
}
