//! The data directory on disk: one installation per directory, its serve lock, its private mode, and the keys
//! generated into it on first use.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::RngCore;

use super::InvalidSettings;

/// The data directory, created private (0700). It holds the database, whose outbox keeps live codes and reset
/// links until they are sent: an existing directory open to other users is closed, with a warning.
/// Commands that work on an installation (every one but `serve` and `migrate`) never create one: a data directory
/// without its database is another directory than the service's, most often a shell without its settings.
pub fn existing_installation(dir: &Path) -> anyhow::Result<()> {
    let db = dir.join("autotrack.db");
    if db.is_file() {
        return Ok(());
    }
    Err(anyhow::anyhow!(
        "no AutoTrack installation in {}: this command works on an existing one and does not create it. Set \
         AUTOTRACK_DATA_DIR (or --data-dir) to the data directory `serve` uses (the packaged service reads its \
         settings from /etc/autotrack/autotrack.env), or run `autotrack migrate` to start a new installation here",
        absolute(dir).display()
    )
    .context(InvalidSettings))
}

/// `dir` made absolute against the working directory, for messages and logs.
pub fn absolute(dir: &Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned())
}

/// Held for as long as `serve` runs: a second `serve` on the same data directory would run every job twice and
/// fight over the same port, keys and files. The lock is the kernel's (released when the process ends, even
/// killed); the file keeps the holder's pid for the message.
pub fn lock_for_serve(dir: &Path) -> anyhow::Result<std::fs::File> {
    use std::io::{Read, Seek, Write};
    let path = dir.join("serve.lock");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("while opening {}", path.display()))?;
    if let Err(err) = file.try_lock() {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        return Err(match err {
            std::fs::TryLockError::WouldBlock => anyhow::anyhow!(
                "another `autotrack serve` (pid {}) is running on the data directory {}: stop it first, or give \
                 this one its own AUTOTRACK_DATA_DIR",
                holder.trim(),
                absolute(dir).display()
            ),
            std::fs::TryLockError::Error(e) => {
                anyhow::Error::new(e).context(format!("while locking {}", path.display()))
            }
        });
    }
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    Ok(file)
}

pub(super) fn private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("while creating the data directory {}", dir.display()))?;
    let mode = std::fs::metadata(dir)
        .with_context(|| format!("while reading the data directory {}", dir.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).with_context(|| {
            format!(
                "the data directory {} is open to other users (mode {:o}) and could not be made private",
                dir.display(),
                mode & 0o777
            )
        })?;
        tracing::warn!(path = %dir.display(), old_mode = format!("{:o}", mode & 0o777), "the data directory was open to other users; it is now private (0700)");
    }
    Ok(())
}

/// Reads a 32-byte key from `path`, creating it (mode 0600) on first use.
pub(super) fn generated_key(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.exists() {
        let raw = std::fs::read_to_string(path)
            .with_context(|| format!("while reading {}", path.display()))?;
        let key = hex::decode(raw.trim())
            .with_context(|| format!("{} is not a hex key", path.display()))?;
        if key.len() < 32 {
            bail!("{} holds a key shorter than 32 bytes", path.display());
        }
        return Ok(key);
    }
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    // Written whole under a private name, then published by a hard link, which fails if the name exists: two
    // processes starting together on a new data directory end up with the same key, and none reads a half-written
    // file.
    let draft = path.with_extension(format!("draft-{}", std::process::id()));
    write_private(&draft, &hex::encode(&key))
        .with_context(|| format!("while writing {}", draft.display()))?;
    let published = std::fs::hard_link(&draft, path);
    let _ = std::fs::remove_file(&draft);
    match published {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => generated_key(path),
        Err(e) => Err(anyhow::Error::new(e).context(format!("while writing {}", path.display()))),
    }
}

pub(super) fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}
