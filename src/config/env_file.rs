//! The optional `.env` of the working directory and the `AUTOTRACK_*` names of the environment, checked before
//! the settings are read: a line that is not `NAME=value` or a name no setting has stops the start with where it
//! was and, for a near miss, the name meant. (A lenient reader stopped at the first bad line and silently dropped
//! every line after it.) Names starting with `AUTOTRACK_TEST_` belong to the test scripts and are let through.

use std::path::Path;

use anyhow::bail;

/// Names reserved for the project's test scripts.
const TEST_PREFIX: &str = "AUTOTRACK_TEST_";

/// Checks `path` (when it exists) and the process environment against `known`, then loads the file: variables
/// already set in the environment win. Returns the names the file set, with their lines.
pub fn load(path: &Path, known: &[String]) -> anyhow::Result<Vec<(String, usize)>> {
    let mut from_file = Vec::new();
    if let Ok(text) = std::fs::read_to_string(path) {
        for (line, name) in names(&text)
            .map_err(|(line, why)| anyhow::anyhow!("{}, line {line}: {why}", path.display()))?
        {
            if let Some(hint) = unknown(&name, known) {
                bail!("{}, line {line}: {hint}", path.display());
            }
            if std::env::var_os(&name).is_none() {
                from_file.push((name, line));
            }
        }
        dotenvy::from_path(path)
            .map_err(|e| anyhow::anyhow!("while reading {}: {e}", path.display()))?;
    } else if path.exists() {
        bail!("{} exists but cannot be read as UTF-8 text", path.display());
    }
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if let Some(hint) = unknown(&name, known) {
            bail!("environment variable {hint}");
        }
    }
    let _ = LOADED.set(from_file.clone());
    Ok(from_file)
}

/// What `load` took from the file, for `autotrack config check`.
static LOADED: std::sync::OnceLock<Vec<(String, usize)>> = std::sync::OnceLock::new();

/// The `.env` line that set `name`, if the file set it.
pub fn line_of(name: &str) -> Option<usize> {
    LOADED
        .get()?
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, line)| *line)
}

/// clap's message for a bad value names the flag (`'--listen <LISTEN>'`) even when the value came from a variable
/// or the `.env`: this names what the user wrote instead. `None` when the flag itself was given, or for other
/// errors.
pub fn name_the_source(
    err: &clap::Error,
    cmd: &clap::Command,
    from_file: &[(String, usize)],
) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        err.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(shown)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let flag = shown.split_whitespace().next()?;
    let long = flag.strip_prefix("--")?;
    if std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}="))) {
        return None;
    }
    let env = env_of(cmd, long)?;
    let source = match from_file.iter().find(|(n, _)| *n == env) {
        Some((_, line)) => format!("{env} (.env, line {line})"),
        None => format!("{env} (environment)"),
    };
    let text = err.render().to_string();
    Some(text.lines().next()?.replace(&format!("'{shown}'"), &source))
}

/// The variable of the flag `--long` in any command.
fn env_of(cmd: &clap::Command, long: &str) -> Option<String> {
    cmd.get_arguments()
        .find(|a| a.get_long() == Some(long))
        .and_then(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .or_else(|| cmd.get_subcommands().find_map(|s| env_of(s, long)))
}

/// The names a `.env` text sets, with their line numbers, or the first malformed line and why.
pub fn names(text: &str) -> Result<Vec<(usize, String)>, (usize, String)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, value)) = line.split_once('=') else {
            return Err((n, format!("expected NAME=value, found {:?}", shorten(line))));
        };
        let name = name.trim_end();
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !valid_name {
            return Err((n, format!("{:?} is not a variable name", shorten(name))));
        }
        let value = value.trim_start();
        for quote in ['"', '\''] {
            if let Some(rest) = value.strip_prefix(quote)
                && !closes(rest, quote)
            {
                return Err((
                    n,
                    format!(
                        "the value of {name} opens a {quote} quote that this line does not close"
                    ),
                ));
            }
        }
        out.push((n, name.to_owned()));
    }
    Ok(out)
}

/// Whether a quoted value closes on this line (a double-quoted one honours backslash escapes).
fn closes(rest: &str, quote: char) -> bool {
    let mut escaped = false;
    for c in rest.chars() {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return true,
            _ => escaped = false,
        }
    }
    false
}

fn shorten(s: &str) -> String {
    s.chars().take(60).collect()
}

/// `None` for a known name or one that is not ours; else the message, with the nearest known name when one is
/// close (at most 3 edits).
pub fn unknown(name: &str, known: &[String]) -> Option<String> {
    if !name.starts_with("AUTOTRACK_")
        || name.starts_with(TEST_PREFIX)
        || known.iter().any(|k| k == name)
    {
        return None;
    }
    let nearest = known
        .iter()
        .map(|k| (edits(name, k), k))
        .filter(|(d, _)| *d <= 3)
        .min();
    Some(match nearest {
        Some((_, k)) => format!(
            "{name} is not a setting of AutoTrack: did you mean {k}? (`autotrack config example` lists them all)"
        ),
        None => format!(
            "{name} is not a setting of AutoTrack (`autotrack config example` lists them all)"
        ),
    })
}

/// Levenshtein distance.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_checked() {
        let ok = "# settings\n\nAUTOTRACK_LISTEN=0.0.0.0:8080\nexport AUTOTRACK_LOG = info\nAUTOTRACK_SITE_NAME=\"Garage \\\"Dupont\\\"\" # quoted\nX='a b'\n";
        let names: Vec<String> = names(ok).unwrap().into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            names,
            [
                "AUTOTRACK_LISTEN",
                "AUTOTRACK_LOG",
                "AUTOTRACK_SITE_NAME",
                "X"
            ]
        );
        assert_eq!(
            names_err("AUTOTRACK_OCR=off\nthis line has no equals\nAUTOTRACK_LISTEN=x"),
            2
        );
        assert_eq!(names_err("A=1\n\n1ABC=2"), 3);
        assert_eq!(names_err("A=\"open\nB=2"), 1);
        assert_eq!(names_err("A='open"), 1);
    }

    fn names_err(text: &str) -> usize {
        names(text).unwrap_err().0
    }

    #[test]
    fn unknown_names_get_the_nearest_one() {
        let known = [
            "AUTOTRACK_LISTEN".to_owned(),
            "AUTOTRACK_OTP_POLICY".to_owned(),
        ];
        assert_eq!(unknown("AUTOTRACK_LISTEN", &known), None);
        assert_eq!(unknown("PATH", &known), None);
        assert_eq!(unknown("AUTOTRACK_TEST_PYTHON", &known), None);
        assert!(
            unknown("AUTOTRACK_LISTN", &known)
                .unwrap()
                .contains("did you mean AUTOTRACK_LISTEN?")
        );
        assert!(
            unknown("AUTOTRACK_OTP_POLCY", &known)
                .unwrap()
                .contains("AUTOTRACK_OTP_POLICY")
        );
        assert!(
            !unknown("AUTOTRACK_SOMETHING_ELSE", &known)
                .unwrap()
                .contains("did you mean")
        );
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
