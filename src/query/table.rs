//! Aligned plain-text tables, measured in terminal columns so that accented
//! and wide names line up.

use unicode_width::UnicodeWidthStr;

/// A table: a header row and data rows, all with the same number of cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are dropped.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text, each line prefixed with `indent`: columns two spaces
    /// apart, the last column unpadded, no trailing spaces.
    pub fn render(&self, indent: &str) -> String {
        let n = self.header.len();
        let mut widths = vec![0usize; n];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::from(indent);
            for (i, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if i + 1 < n {
                    line.extend(std::iter::repeat_n(' ', widths[i] - cell.width() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `text` cut to at most `max` characters, ending with `…` when cut. Line
/// breaks become spaces so a row stays one line.
pub fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let mut s: String = flat.chars().take(max.saturating_sub(1)).collect();
    s.truncate(s.trim_end().len());
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_by_display_width() {
        let mut t = Table::new(["A", "B", "C"]);
        t.row(["José", "x", "last"]);
        t.row(["Bo", "yyy", ""]);
        assert_eq!(t.render(""), "A     B    C\nJosé  x    last\nBo    yyy\n");
    }

    #[test]
    fn shortens_with_ellipsis() {
        assert_eq!(shorten("abcdef", 10), "abcdef");
        assert_eq!(shorten("abc def ghi", 8), "abc def…");
        assert_eq!(shorten("a\nb", 10), "a b");
    }
}
