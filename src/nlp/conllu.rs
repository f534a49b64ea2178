//! Minimal CoNLL-U reader/writer over syntactic words.
//!
//! Multi-word token ranges (`3-4`) and empty nodes (`3.1`) are skipped: the
//! tagger and parser work on syntactic words, as CoNLL 2018 evaluation does.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// One syntactic word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Surface form.
    pub form: String,
    /// Lemma column.
    pub lemma: String,
    /// Universal POS tag.
    pub upos: String,
    /// Language-specific (Penn) tag.
    pub xpos: String,
    /// Head: 0 = root, else 1-based word index.
    pub head: usize,
    /// Universal dependency relation (with subtype, e.g. `nsubj:pass`).
    pub deprel: String,
}

/// One sentence of syntactic words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    /// Words in order; `words[i]` has CoNLL-U id `i + 1`.
    pub words: Vec<Word>,
}

impl Sentence {
    /// Word forms as string slices.
    pub fn forms(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.form.as_str()).collect()
    }
}

/// Reads a CoNLL-U file. Errors carry the file name and line number.
pub fn read_file(path: &Path) -> Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read CoNLL-U file {}", path.display()))?;
    parse(&text).with_context(|| format!("in {}", path.display()))
}

/// Parses CoNLL-U text.
pub fn parse(text: &str) -> Result<Vec<Sentence>> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let mut start_line = 1;
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.words.is_empty() {
                check_heads(&cur).with_context(|| format!("sentence at line {start_line}"))?;
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if cur.words.is_empty() {
            start_line = lineno;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            bail!(
                "line {lineno}: expected 10 tab-separated columns, found {}",
                cols.len()
            );
        }
        let id = cols[0];
        if id.contains('-') || id.contains('.') {
            continue;
        }
        let id: usize = id
            .parse()
            .with_context(|| format!("line {lineno}: bad word id {id:?}"))?;
        if id != cur.words.len() + 1 {
            bail!(
                "line {lineno}: word id {id} out of sequence (expected {})",
                cur.words.len() + 1
            );
        }
        let head = match cols[6] {
            "_" => 0,
            h => h
                .parse()
                .with_context(|| format!("line {lineno}: bad head {h:?}"))?,
        };
        cur.words.push(Word {
            form: cols[1].to_string(),
            lemma: cols[2].to_string(),
            upos: cols[3].to_string(),
            xpos: cols[4].to_string(),
            head,
            deprel: cols[7].to_string(),
        });
    }
    if !cur.words.is_empty() {
        check_heads(&cur).with_context(|| format!("sentence at line {start_line}"))?;
        out.push(cur);
    }
    Ok(out)
}

fn check_heads(s: &Sentence) -> Result<()> {
    for (i, w) in s.words.iter().enumerate() {
        if w.head > s.words.len() {
            bail!(
                "word {} has head {} beyond sentence length {}",
                i + 1,
                w.head,
                s.words.len()
            );
        }
    }
    Ok(())
}

/// Writes sentences as CoNLL-U (features, deps and misc left empty).
pub fn write(sents: &[Sentence]) -> String {
    let mut s = String::new();
    for sent in sents {
        for (i, w) in sent.words.iter().enumerate() {
            s.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t_\t{}\t{}\t_\t_\n",
                i + 1,
                w.form,
                w.lemma,
                w.upos,
                w.xpos,
                w.head,
                w.deprel
            ));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_ranges_and_empty_nodes() {
        let t = "# text = I don't\n1\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n2.1\tx\tx\tX\tXX\t_\t_\t_\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t2\tadvmod\t_\t_\n\n";
        let s = parse(t).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].forms(), vec!["I", "do", "n't"]);
        assert_eq!(s[0].words[2].head, 2);
    }

    #[test]
    fn reports_line_numbers() {
        let t = "1\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n2\tdo\tdo\tAUX\n";
        let e = format!("{:#}", parse(t).unwrap_err());
        assert!(e.contains("line 2"), "{e}");
    }
}
