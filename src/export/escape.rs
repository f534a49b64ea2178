//! Escaping shared by the export formats. Names, aliases and sentences are
//! untrusted text: every format writes them as data, never as syntax.

/// A single-quoted Cypher string literal. Backslashes, quotes and control
/// characters are escaped, so the literal never spans lines and a name such
/// as `'}) DETACH DELETE n //` stays inside the string.
pub fn cypher_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Line and paragraph separators end a line in some editors and
            // shells; keep the script one statement per line.
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A Cypher list literal of strings.
pub fn cypher_list(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&cypher_string(s));
    }
    out.push(']');
    out
}

/// A float literal that every Cypher dialect reads as a float (`1.0`, not
/// `1`), so all rows of a batch have the same type. Non-finite values, which
/// JSON cannot carry anyway, become 0.0.
pub fn float_literal(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        "0.0".to_string()
    }
}

/// The relationship type (Neo4j, Kùzu) of a relation: UPPER_SNAKE_CASE,
/// ASCII letters, digits and `_` only, never starting with a digit.
/// Relations come from a user-editable lexicon, so this is sanitized rather
/// than trusted; the exact relation is also kept as a property.
pub fn rel_type(relation: &str) -> String {
    let mut out = String::with_capacity(relation.len());
    for c in relation.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push('_');
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) || out == "ENTITY" {
        out.insert_str(0, "REL_");
    }
    out
}

/// The spreadsheet-safe form of a CSV cell. A cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be run as a formula by
/// spreadsheet programs, so it gets a leading `'`. A cell that already starts
/// with `'` gets one too, which makes the rule reversible: strip exactly one
/// leading `'` wherever there is one ([`csv_unsafe`]).
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// Undoes [`csv_safe`].
pub fn csv_unsafe(s: &str) -> &str {
    s.strip_prefix('\'').unwrap_or(s)
}

/// The separator of list cells in the CSV folders: the ASCII unit separator,
/// which has no business in a name and is removed from list items, so a list
/// item may contain `;`, `,`, brackets or quotes.
pub const LIST_SEPARATOR: char = '\u{1f}';

/// A list as one CSV cell: items joined by [`LIST_SEPARATOR`].
pub fn join_list(items: &[String]) -> String {
    let mut out = String::new();
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(LIST_SEPARATOR);
        }
        out.extend(s.chars().filter(|&c| c != LIST_SEPARATOR));
    }
    out
}

/// Percent-encodes everything but unreserved characters and `:`, for IRIs
/// built from ids (`https://newsgraph.dev/entity/person:anna-berg`).
pub fn iri_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for XML element content and attribute values. Characters
/// that XML 1.0 cannot carry at all (most control characters) become U+FFFD;
/// line breaks and tabs are written as character references so that XML
/// parsers keep them, even in attributes.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cypher_strings_cannot_break_out() {
        assert_eq!(
            cypher_string("'}) DETACH DELETE n //"),
            r"'\'}) DETACH DELETE n //'"
        );
        assert_eq!(cypher_string("a\\'\nb\u{1}"), r"'a\\\'\nb\u0001'");
        assert_eq!(cypher_list(&["x".into(), "y'".into()]), r"['x', 'y\'']");
    }

    #[test]
    fn floats_always_have_a_point() {
        assert_eq!(float_literal(1.0), "1.0");
        assert_eq!(float_literal(0.86), "0.86");
        assert_eq!(float_literal(f64::NAN), "0.0");
    }

    #[test]
    fn rel_types_are_identifiers() {
        assert_eq!(rel_type("leader_of"), "LEADER_OF");
        assert_eq!(rel_type("x`]->(n) DELETE n"), "X_____N__DELETE_N");
        assert_eq!(rel_type("1st"), "REL_1ST");
        assert_eq!(rel_type(""), "REL_");
        assert_eq!(rel_type("entity"), "REL_ENTITY");
    }

    #[test]
    fn csv_prefix_is_reversible() {
        for s in ["=1+2", "+x", "-x", "@x", "'x", "''x", "x", ""] {
            assert_eq!(csv_unsafe(&csv_safe(s)), s);
        }
        assert_eq!(csv_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_safe("Anna"), "Anna");
    }

    #[test]
    fn iri_segments_and_xml() {
        assert_eq!(
            iri_segment("person:anna berg/é"),
            "person:anna%20berg%2F%C3%A9"
        );
        assert_eq!(
            xml_text("<a href=\"x\">&'\n\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;\u{FFFD}"
        );
        assert_eq!(join_list(&["a;b".into(), "c\u{1f}d".into()]), "a;b\u{1f}cd");
    }
}
