//! Read: turn input paths into a stream of [`Document`]s.
//!
//! Files are read lazily, one at a time, and record files (CSV/TSV, JSON
//! lines) are streamed record by record, so memory does not grow with the
//! number of articles. Anything that cannot be read becomes a one-line
//! [`ReadWarning`] naming the file (and line), and reading goes on.

use crate::document::Document;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Why something in the input was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadWarning(pub String);

impl std::fmt::Display for ReadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Plain text or Markdown: the first non-empty line is the title.
    Text,
    /// HTML: text extracted.
    Html,
    /// JSON lines: one object with `text` per line.
    JsonLines,
    /// A JSON array of objects (or one object).
    Json,
    /// CSV with a header naming a `text` column.
    Csv,
    /// TSV with a header naming a `text` column.
    Tsv,
}

impl InputKind {
    /// The kind implied by a path's extension (text when unknown).
    pub fn of(path: &Path) -> InputKind {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "html" | "htm" | "xhtml" => InputKind::Html,
            "jsonl" | "ndjson" => InputKind::JsonLines,
            "json" => InputKind::Json,
            "csv" => InputKind::Csv,
            "tsv" | "tab" => InputKind::Tsv,
            _ => InputKind::Text,
        }
    }
}

/// One input: a file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`), read as text (or JSON lines when it starts with `{`).
    Stdin,
    /// A file.
    File(PathBuf),
}

/// File extensions taken when walking a folder.
const KNOWN_EXTENSIONS: [&str; 11] = [
    "txt", "md", "markdown", "html", "htm", "xhtml", "jsonl", "ndjson", "json", "csv", "tsv",
];

/// Expands the command-line inputs: folders recursively (sorted, known
/// extensions only, hidden files skipped), files as given. Missing paths become
/// warnings.
pub fn expand_inputs(paths: &[String]) -> (Vec<Input>, Vec<ReadWarning>) {
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = PathBuf::from(p);
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(&path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let known =
                            e.path()
                                .extension()
                                .and_then(|x| x.to_str())
                                .is_some_and(|x| {
                                    KNOWN_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str())
                                });
                        if known {
                            inputs.push(Input::File(e.into_path()));
                        }
                    }
                    Ok(_) => {}
                    Err(err) => warnings.push(ReadWarning(format!(
                        "{}: cannot read: {err}",
                        path.display()
                    ))),
                }
            }
        } else if path.exists() {
            inputs.push(Input::File(path));
        } else {
            warnings.push(ReadWarning(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    (inputs, warnings)
}

/// A lazy stream of documents over a list of inputs.
pub struct DocumentStream {
    inputs: VecDeque<Input>,
    current: Option<Box<dyn Iterator<Item = Result<Document, ReadWarning>> + Send>>,
}

impl DocumentStream {
    /// A stream over `inputs`, in order.
    pub fn new(inputs: Vec<Input>) -> Self {
        DocumentStream {
            inputs: inputs.into(),
            current: None,
        }
    }
}

impl Iterator for DocumentStream {
    type Item = Result<Document, ReadWarning>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(cur) = &mut self.current {
                if let Some(item) = cur.next() {
                    return Some(item.map(|mut d| {
                        d.title = d.title.as_deref().and_then(crate::document::clip_title);
                        d
                    }));
                }
                self.current = None;
            }
            let input = self.inputs.pop_front()?;
            match open(&input) {
                Ok(it) => self.current = Some(it),
                Err(w) => return Some(Err(w)),
            }
        }
    }
}

type DocIter = Box<dyn Iterator<Item = Result<Document, ReadWarning>> + Send>;

fn open(input: &Input) -> Result<DocIter, ReadWarning> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| ReadWarning(format!("-: cannot read standard input: {e}")))?;
            let text = decode("-", bytes)?;
            if text.trim_start().starts_with('{') {
                Ok(json_lines_in("-", "stdin", &text))
            } else {
                Ok(Box::new(std::iter::once(Ok(text_document(
                    "stdin", "-", text,
                )))))
            }
        }
        Input::File(path) => open_file(path),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".to_string())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadWarning> {
    std::fs::read(path).map_err(|e| {
        ReadWarning(format!(
            "{}: cannot read: {}",
            path.display(),
            io_reason(&e)
        ))
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    }
}

/// Checks for binary content and decodes UTF-8 (a BOM is dropped).
fn decode(name: &str, mut bytes: Vec<u8>) -> Result<String, ReadWarning> {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(ReadWarning(format!("{name}: binary file, skipped")));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let slice = e.as_bytes();
        let line = slice[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ReadWarning(format!("{name}:{line}: invalid UTF-8 (byte {at}), skipped"))
    })
}

fn open_file(path: &Path) -> Result<DocIter, ReadWarning> {
    let name = path.display().to_string();
    let kind = InputKind::of(path);
    match kind {
        InputKind::Text | InputKind::Html | InputKind::Json => {
            let text = decode(&name, read_bytes(path)?)?;
            if text.trim().is_empty() {
                return Err(ReadWarning(format!("{name}: empty file, skipped")));
            }
            let id = stem(path);
            match kind {
                InputKind::Text => Ok(Box::new(std::iter::once(Ok(text_document(
                    &id, &name, text,
                ))))),
                InputKind::Html => Ok(Box::new(std::iter::once(Ok(html_document(
                    &id, &name, &text,
                ))))),
                _ => json_documents(&id, &name, &text),
            }
        }
        InputKind::JsonLines => {
            let file = File::open(path)
                .map_err(|e| ReadWarning(format!("{name}: cannot read: {}", io_reason(&e))))?;
            let id = stem(path);
            let mut lines = BufReader::new(file).split(b'\n').enumerate();
            let mut any = false;
            let it = std::iter::from_fn(move || loop {
                let (i, line) = match lines.next() {
                    Some(x) => x,
                    None if !any => {
                        any = true;
                        return Some(Err(ReadWarning(format!("{name}: empty file, skipped"))));
                    }
                    None => return None,
                };
                let lineno = i + 1;
                let bytes = match line {
                    Ok(b) => b,
                    Err(e) => {
                        return Some(Err(ReadWarning(format!(
                            "{name}:{lineno}: cannot read: {e}"
                        ))))
                    }
                };
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                any = true;
                let text = match decode(&format!("{name}:{lineno}"), bytes) {
                    Ok(t) => t,
                    Err(w) => return Some(Err(w)),
                };
                return Some(record_from_json_line(&name, &id, lineno, &text));
            });
            Ok(Box::new(it))
        }
        InputKind::Csv | InputKind::Tsv => csv_documents(path, kind == InputKind::Tsv),
    }
}

/// A text or Markdown document: the first non-empty line is the title.
pub fn text_document(id: &str, source: &str, text: String) -> Document {
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .and_then(|l| crate::document::clip_title(l.trim_start_matches('#')));
    Document {
        id: id.to_string(),
        source: source.to_string(),
        title,
        text,
        ..Default::default()
    }
}

/// Block-level HTML elements that end a paragraph.
const BLOCK_TAGS: [&str; 22] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "hr",
    "title",
];

/// Elements whose content is never article text.
const SKIP_TAGS: [&str; 9] = [
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template",
];

/// Extracts the text of an HTML page: block elements become paragraphs,
/// scripts, styles and navigation are dropped, entities decoded.
pub fn html_to_text(html: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(html.len() / 2);
    let mut title: Option<String> = None;
    let mut skip_depth: Vec<String> = Vec::new();
    let mut in_title = false;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[1..end.saturating_sub(1).max(1)];
            rest = &rest[end..];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if SKIP_TAGS.contains(&name.as_str()) {
                if closing {
                    if let Some(pos) = skip_depth.iter().rposition(|t| *t == name) {
                        skip_depth.truncate(pos);
                    }
                } else if !tag.ends_with('/') {
                    skip_depth.push(name.clone());
                }
                continue;
            }
            if name == "title" {
                in_title = !closing;
            }
            if BLOCK_TAGS.contains(&name.as_str()) && !out.ends_with("\n\n") && !out.is_empty() {
                out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
            }
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let chunk = &rest[..end];
        rest = &rest[end..];
        if !skip_depth.is_empty() {
            continue;
        }
        let decoded = html_escape::decode_html_entities(chunk);
        let collapsed = collapse_ws(&decoded);
        if in_title {
            if title.is_none() && !collapsed.trim().is_empty() {
                title = Some(collapsed.trim().to_string());
            }
            continue;
        }
        if collapsed.trim().is_empty() {
            if !out.ends_with(char::is_whitespace) && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        if out.ends_with('\n') {
            out.push_str(collapsed.trim_start());
        } else {
            out.push_str(&collapsed);
        }
    }
    (out.trim().to_string(), title)
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut ws = false;
    for c in s.chars() {
        if c.is_whitespace() {
            ws = true;
        } else {
            if ws {
                out.push(' ');
            }
            ws = false;
            out.push(c);
        }
    }
    if ws {
        out.push(' ');
    }
    out
}

fn html_document(id: &str, source: &str, html: &str) -> Document {
    let (text, title) = html_to_text(html);
    let mut doc = text_document(id, source, text);
    if title.is_some() {
        doc.title = title;
    }
    doc
}

fn str_field(v: &serde_json::Value, key: &str) -> Option<String> {
    match v.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn record_document(
    v: &serde_json::Value,
    name: &str,
    fallback_id: String,
    at: &str,
) -> Result<Document, ReadWarning> {
    let Some(text) = str_field(v, "text") else {
        return Err(ReadWarning(format!(
            "{at}: record has no \"text\" string, skipped"
        )));
    };
    Ok(Document {
        id: str_field(v, "id").unwrap_or(fallback_id),
        source: name.to_string(),
        title: str_field(v, "title"),
        date: str_field(v, "date"),
        url: str_field(v, "url"),
        text,
    })
}

fn record_from_json_line(
    name: &str,
    stem: &str,
    lineno: usize,
    line: &str,
) -> Result<Document, ReadWarning> {
    let at = format!("{name}:{lineno}");
    let v: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| ReadWarning(format!("{at}: malformed JSON ({e}), skipped")))?;
    record_document(&v, name, format!("{stem}-{lineno}"), &at)
}

/// The records of JSON-lines text already in memory.
fn json_lines_in(name: &str, stem: &str, text: &str) -> DocIter {
    let docs: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| record_from_json_line(name, stem, i + 1, l))
        .collect();
    Box::new(docs.into_iter())
}

fn json_documents(stem: &str, name: &str, text: &str) -> Result<DocIter, ReadWarning> {
    let v: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            // A `.json` file holding JSON lines is common enough to accept.
            if text.trim_start().starts_with('{') && text.trim().lines().count() > 1 {
                return Ok(json_lines_in(name, stem, text));
            }
            return Err(ReadWarning(format!(
                "{name}:{}: malformed JSON ({e}), skipped",
                e.line()
            )));
        }
    };
    let docs: Vec<_> = match v {
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                record_document(
                    item,
                    name,
                    format!("{stem}-{}", i + 1),
                    &format!("{name}: record {}", i + 1),
                )
            })
            .collect(),
        obj @ serde_json::Value::Object(_) => {
            vec![record_document(&obj, name, stem.to_string(), name)]
        }
        _ => vec![Err(ReadWarning(format!(
            "{name}: expected a JSON object or array of objects, skipped"
        )))],
    };
    Ok(Box::new(docs.into_iter()))
}

fn csv_documents(path: &Path, tsv: bool) -> Result<DocIter, ReadWarning> {
    let name = path.display().to_string();
    let file = File::open(path)
        .map_err(|e| ReadWarning(format!("{name}: cannot read: {}", io_reason(&e))))?;
    let mut peek = BufReader::new(file);
    let head = peek
        .fill_buf()
        .map_err(|e| ReadWarning(format!("{name}: cannot read: {e}")))?;
    if head.is_empty() {
        return Err(ReadWarning(format!("{name}: empty file, skipped")));
    }
    if head.iter().take(8192).any(|&b| b == 0) {
        return Err(ReadWarning(format!("{name}: binary file, skipped")));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .flexible(true)
        .quoting(!tsv)
        .from_reader(peek);
    let headers = reader
        .byte_headers()
        .map_err(|e| ReadWarning(format!("{name}:1: cannot read the header: {e}")))?
        .clone();
    let col = |n: &str| {
        headers.iter().position(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(n)
        })
    };
    let Some(text_col) = col("text") else {
        return Err(ReadWarning(format!(
            "{name}:1: no \"text\" column in the header, skipped"
        )));
    };
    let (id_col, title_col, date_col, url_col) = (col("id"), col("title"), col("date"), col("url"));
    let id_stem = stem(path);
    let mut records = reader.into_byte_records();
    let mut row = 0usize;
    let it = std::iter::from_fn(move || {
        let rec = records.next()?;
        row += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(row + 1, |p| p.line() as usize);
                return Some(Err(ReadWarning(format!(
                    "{name}:{line}: malformed record ({e}), skipped"
                ))));
            }
        };
        let line = rec.position().map_or(row + 1, |p| p.line() as usize);
        let get = |c: Option<usize>| -> Result<Option<String>, ReadWarning> {
            match c.and_then(|c| rec.get(c)) {
                None => Ok(None),
                Some(b) => match std::str::from_utf8(b) {
                    Ok(s) if s.trim().is_empty() => Ok(None),
                    Ok(s) => Ok(Some(s.to_string())),
                    Err(_) => Err(ReadWarning(format!(
                        "{name}:{line}: invalid UTF-8, skipped"
                    ))),
                },
            }
        };
        let fields = (|| {
            Ok((
                get(Some(text_col))?,
                get(id_col)?,
                get(title_col)?,
                get(date_col)?,
                get(url_col)?,
            ))
        })();
        Some(match fields {
            Err(w) => Err(w),
            Ok((None, ..)) => Err(ReadWarning(format!("{name}:{line}: empty text, skipped"))),
            Ok((Some(text), id, title, date, url)) => Ok(Document {
                id: id.unwrap_or_else(|| format!("{id_stem}-{row}")),
                source: name.clone(),
                title,
                date,
                url,
                text,
            }),
        })
    });
    Ok(Box::new(it))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_drops_scripts_and_keeps_paragraphs() {
        let (text, title) = html_to_text(
            "<html><head><title>Talks &amp; more</title><script>var x = '<p>';</script></head>\
             <body><nav>Home | World</nav><p>Paris hosted   the talks.</p><p>Rome said &quot;no&quot;.</p></body></html>",
        );
        assert_eq!(title.as_deref(), Some("Talks & more"));
        assert_eq!(text, "Paris hosted the talks.\n\nRome said \"no\".");
    }

    #[test]
    fn decode_rejects_binary_and_bad_utf8() {
        assert_eq!(
            decode("f.txt", vec![b'a', 0, b'b']).unwrap_err().0,
            "f.txt: binary file, skipped"
        );
        assert_eq!(
            decode("f.txt", b"ok\n\xff".to_vec()).unwrap_err().0,
            "f.txt:2: invalid UTF-8 (byte 3), skipped"
        );
        assert_eq!(decode("f.txt", b"\xEF\xBB\xBFhi".to_vec()).unwrap(), "hi");
    }

    #[test]
    fn text_title_is_first_non_empty_line() {
        let d = text_document("a", "a.md", "\n\n# Big news\n\nBody.".into());
        assert_eq!(d.title.as_deref(), Some("Big news"));
    }

    #[test]
    fn a_title_is_one_line_of_at_most_300_characters() {
        let long = "word ".repeat(100_000);
        let d = text_document("a", "a.txt", long.clone());
        // Cut at the last word that fits 299 characters, then the ellipsis.
        assert_eq!(
            d.title.unwrap(),
            format!("{}\u{2026}", vec!["word"; 59].join(" "))
        );
        assert_eq!(
            crate::document::clip_title("  Two\t spaces  \nsecond line").as_deref(),
            Some("Two spaces")
        );
        let unbroken = "x".repeat(1000);
        let t = crate::document::clip_title(&unbroken).unwrap();
        assert_eq!(t, format!("{}\u{2026}", "x".repeat(299)));
        assert_eq!(crate::document::clip_title(" \n "), None);
    }
}
