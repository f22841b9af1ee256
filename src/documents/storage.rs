//! Private file storage under `<data dir>/documents/<user id>/<32 hex>`: names never come from the client, files
//! are written to a temporary name, synced, then renamed, and removed after the row that referenced them.
//! Types are decided by magic bytes only.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

/// Accepted upload types (documents.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Gif,
    Doc,
    Docx,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Gif => "image/gif",
            FileKind::Doc => "application/msword",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// Images and PDFs are analysed; Word files are stored only.
    pub fn analysable(self) -> bool {
        !matches!(self, FileKind::Doc | FileKind::Docx)
    }

    pub const ALL: [FileKind; 7] = [
        FileKind::Pdf,
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Webp,
        FileKind::Gif,
        FileKind::Doc,
        FileKind::Docx,
    ];

    pub fn from_mime(mime: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.mime() == mime)
    }
}

/// The type from the first bytes (and, for ZIP files, the entries its central directory lists).
pub fn sniff(head: &[u8], whole: impl FnOnce() -> Vec<u8>) -> Option<FileKind> {
    if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some(FileKind::Gif)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(FileKind::Doc)
    } else if head.starts_with(b"PK\x03\x04") {
        let bytes = whole();
        let names = zip_entry_names(&bytes)?;
        let has = |n: &[u8]| names.contains(&n);
        (has(b"word/document.xml") && has(b"[Content_Types].xml")).then_some(FileKind::Docx)
    } else {
        None
    }
}

/// The entry names of a ZIP, read from its central directory, the index every ZIP reader trusts (a name merely
/// written somewhere in the bytes, inside an entry's content say, is not an entry). `None` for anything that is
/// not a well-formed, single-volume, non-ZIP64 archive. Bounded: the end record is looked for in the last 64 KiB,
/// and the walk never leaves the directory the end record declares.
fn zip_entry_names(zip: &[u8]) -> Option<Vec<&[u8]>> {
    const END: &[u8] = b"PK\x05\x06";
    const END_LEN: usize = 22;
    const ENTRY: &[u8] = b"PK\x01\x02";
    const ENTRY_LEN: usize = 46;
    let u16_at = |b: &[u8], i: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
        ])))
    };
    let u32_at = |b: &[u8], i: usize| -> Option<usize> {
        let bytes: [u8; 4] = b.get(i..i + 4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(bytes)).ok()
    };
    // The end record is the one whose comment runs exactly to the end of the file.
    let from = zip.len().saturating_sub(END_LEN + usize::from(u16::MAX));
    let end = (from..=zip.len().saturating_sub(END_LEN))
        .rev()
        .find(|&at| {
            zip[at..].starts_with(END)
                && u16_at(zip, at + 20).is_some_and(|c| at + END_LEN + c == zip.len())
        })?;
    let record = &zip[end..end + END_LEN];
    let (entries, size, offset) = (
        u16_at(record, 10)?,
        u32_at(record, 12)?,
        u32_at(record, 16)?,
    );
    let directory = zip.get(offset..offset.checked_add(size)?)?;
    let mut names = Vec::with_capacity(entries.min(1024));
    let mut pos = 0;
    for _ in 0..entries {
        let header = directory.get(pos..pos + ENTRY_LEN)?;
        if !header.starts_with(ENTRY) {
            return None;
        }
        let name_len = u16_at(header, 28)?;
        let rest = name_len + u16_at(header, 30)? + u16_at(header, 32)?;
        names.push(directory.get(pos + ENTRY_LEN..pos + ENTRY_LEN + name_len)?);
        pos += ENTRY_LEN + rest;
    }
    Some(names)
}

/// A display name from the client's: path components removed, control and reserved characters stripped,
/// at most 255 bytes, `document` when nothing is left.
pub fn sanitize_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !"/\\:*?\"<>|".contains(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    let mut out = String::new();
    for c in cleaned.chars() {
        if out.len() + c.len_utf8() > 255 {
            break;
        }
        out.push(c);
    }
    if out.is_empty() {
        "document".to_owned()
    } else {
        out
    }
}

#[derive(Clone)]
pub struct Storage {
    root: PathBuf,
}

impl Storage {
    pub fn new(data_dir: &Path) -> Storage {
        Storage {
            root: data_dir.to_owned(),
        }
    }

    pub fn documents_dir(&self) -> PathBuf {
        self.root.join("documents")
    }

    /// A new storage key for a user's file.
    pub fn new_key(&self, user_id: i64) -> String {
        format!("documents/{user_id}/{}", crate::auth::secrets::new_jti())
    }

    /// The path of a key; keys are made here, but are checked anyway so no path can leave the directory.
    pub fn path(&self, key: &str) -> Option<PathBuf> {
        let mut parts = key.split('/');
        let (Some("documents"), Some(uid), Some(name), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let ok = uid.bytes().all(|b| b.is_ascii_digit())
            && name.len() == 32
            && name.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| self.root.join("documents").join(uid).join(name))
    }

    /// A temporary file for an upload in progress (removed by the caller, or by `cleanup_files` after a crash).
    pub async fn temp_file(&self) -> std::io::Result<(PathBuf, tokio::fs::File)> {
        let dir = self.documents_dir().join("tmp");
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(crate::auth::secrets::new_jti());
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok((path, file))
    }

    /// Moves a finished upload to its key (synced first, so a committed row never points at a lost file).
    pub async fn commit(
        &self,
        temp: &Path,
        mut file: tokio::fs::File,
        key: &str,
    ) -> std::io::Result<()> {
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let dest = self
            .path(key)
            .ok_or_else(|| std::io::Error::other("invalid storage key"))?;
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(temp, &dest).await
    }

    /// Removes a stored file; a missing one is fine.
    pub async fn remove(&self, key: &str) {
        if let Some(path) = self.path(key) {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(error = %e, "could not remove a stored file"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide() {
        let none = Vec::new;
        assert_eq!(sniff(b"%PDF-1.7\n", none), Some(FileKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], none),
            Some(FileKind::Jpeg)
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", none), Some(FileKind::Png));
        assert_eq!(
            sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 ", none),
            Some(FileKind::Webp)
        );
        assert_eq!(sniff(b"GIF89a..", none), Some(FileKind::Gif));
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], none),
            Some(FileKind::Doc)
        );
        let docx = zip_with(&[b"[Content_Types].xml", b"word/document.xml"], b"");
        assert_eq!(sniff(b"PK\x03\x04", || docx.clone()), Some(FileKind::Docx));
        // A trailing comment is allowed, and may even look like an end record.
        let commented = zip_with(
            &[b"[Content_Types].xml", b"word/document.xml"],
            b"PK\x05\x06 not the end",
        );
        assert_eq!(sniff(b"PK\x03\x04", || commented), Some(FileKind::Docx));
        // The names written elsewhere in the bytes (here the comment), or an archive cut short, are not a Word
        // document.
        let elsewhere = zip_with(&[b"notes.txt"], b"word/document.xml [Content_Types].xml");
        assert_eq!(sniff(b"PK\x03\x04", || elsewhere), None);
        assert_eq!(
            sniff(b"PK\x03\x04", || docx[..docx.len() - 1].to_vec()),
            None
        );
        assert_eq!(
            sniff(b"PK\x03\x04", || b"PK\x03\x04...word/document.xml..."
                .to_vec()),
            None
        );
        assert_eq!(sniff(b"<html>", none), None);
        assert_eq!(sniff(b"MZ\x90\x00", none), None);
    }

    /// A ZIP of empty stored entries: local headers, central directory, end record with `comment`.
    fn zip_with(names: &[&[u8]], comment: &[u8]) -> Vec<u8> {
        let (mut out, mut directory) = (Vec::new(), Vec::new());
        for name in names {
            let offset = out.len() as u32;
            out.extend(b"PK\x03\x04");
            out.extend([0u8; 22]);
            out.extend((name.len() as u16).to_le_bytes());
            out.extend([0u8; 2]);
            out.extend(*name);
            directory.extend(b"PK\x01\x02");
            directory.extend([0u8; 24]);
            directory.extend((name.len() as u16).to_le_bytes());
            directory.extend([0u8; 12]);
            directory.extend(offset.to_le_bytes());
            directory.extend(*name);
        }
        let start = out.len() as u32;
        out.extend(&directory);
        out.extend(b"PK\x05\x06");
        out.extend([0u8; 4]);
        out.extend((names.len() as u16).to_le_bytes());
        out.extend((names.len() as u16).to_le_bytes());
        out.extend((directory.len() as u32).to_le_bytes());
        out.extend(start.to_le_bytes());
        out.extend((comment.len() as u16).to_le_bytes());
        out.extend(comment);
        out
    }

    #[test]
    fn filenames_are_sanitised() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize_filename("C:\\Users\\me\\facture<1>.pdf"),
            "facture1.pdf"
        );
        assert_eq!(sanitize_filename("..."), "document");
        assert_eq!(sanitize_filename("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(sanitize_filename(&"é".repeat(200)).len(), 254);
    }

    #[test]
    fn keys_cannot_escape() {
        let s = Storage::new(Path::new("/data"));
        let key = s.new_key(7);
        assert!(s.path(&key).unwrap().starts_with("/data/documents/7/"));
        assert!(s.path("documents/7/../../etc/passwd").is_none());
        assert!(s.path("/etc/passwd").is_none());
        assert!(
            s.path("documents/x/0123456789abcdef0123456789abcdef")
                .is_none()
        );
    }
}
