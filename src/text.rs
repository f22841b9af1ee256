//! Text folding shared by the document extractor and the assistant: matching that ignores case and accents.

/// Lower case without accents; every kind of space becomes ' ', quotes and dashes their ASCII form.
pub fn fold(c: char) -> char {
    match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'æ' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'œ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' | 'ý' => 'y',
        'ñ' => 'n',
        'ß' => 's',
        '’' | '‘' | '`' | '´' => '\'',
        '–' | '—' | '‐' | '‑' | '−' => '-',
        'º' | '˚' => '°',
        '№' => '#',
        l if l.is_whitespace() => ' ',
        l => l,
    }
}

/// `s` folded character by character (same length in characters), trimmed of nothing.
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// Does `phrase` (folded) occur in `text` (folded) starting at a word boundary, and, when `whole`, ending at one?
pub fn occurs(text: &str, phrase: &str, whole: bool) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !word(before) && (!whole || !word(after))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_word_boundaries() {
        assert_eq!(fold_str("Ça GRINCE à l’arrêt"), "ca grince a l'arret");
        assert!(occurs("ca grince au freinage", "frein", false));
        assert!(!occurs("ca grince au freinage", "frein", true));
        assert!(!occurs("le refrein", "frein", false));
        assert!(occurs("when is my next service?", "service", true));
        assert!(!occurs("anything", "", false));
    }
}
