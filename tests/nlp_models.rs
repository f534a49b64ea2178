//! Tagger, lemmatizer and parser: learning a tiny hand-written treebank,
//! serialization round trips, and exact outputs of the shipped models.

use newsgraph::nlp::conllu::{self, Sentence};
use newsgraph::nlp::parser::{self, Parser};
use newsgraph::nlp::tagger::{self, Tagger, Upos};
use std::path::Path;

fn tiny() -> Vec<Sentence> {
    conllu::read_file(Path::new("tests/fixtures/tiny.conllu")).expect("fixture parses")
}

fn tiny_tagger_passes(passes: usize) -> Tagger {
    let cfg = tagger::TrainConfig {
        epochs: 30,
        seed: 7,
        passes,
        inner_folds: 2,
        models: 1,
        prune: 0.0,
    };
    Tagger::train(&tiny(), None, None, &cfg, &mut |_| {}).expect("tagger trains")
}

fn tiny_tagger() -> Tagger {
    tiny_tagger_passes(2)
}

fn tiny_parser() -> Parser {
    tiny_parser_beam(1)
}

fn tiny_parser_beam(beam: usize) -> Parser {
    let cfg = parser::TrainConfig {
        epochs: 15,
        seed: 7,
        // Twenty sentences: every feature is rare.
        min_count: 1,
        beam,
        ..Default::default()
    };
    Parser::train(&tiny(), None, None, &cfg, &mut |_| {}).expect("parser trains")
}

#[test]
fn fixture_skips_multiword_ranges_and_empty_nodes() {
    let s = tiny();
    assert_eq!(s.len(), 20);
    assert_eq!(s[7].forms(), ["Officials", "did", "n't", "comment", "."]);
    assert_eq!(s[18].forms(), ["It", "is", "raining", "."]);
}

#[test]
fn tagger_learns_training_sentences() {
    assert_learns(&tiny_tagger_passes(1));
    // The second pass is trained on jackknifed first-pass tags, which are
    // poor on 20 sentences, so only demand near-perfect recall here.
    let acc = tiny_tagger_passes(2).evaluate(&tiny());
    assert!(acc.upos >= 95.0 && acc.xpos >= 95.0, "{acc:?}");
}

fn assert_learns(t: &Tagger) {
    for s in tiny() {
        let tags = t.tag(&s.forms());
        for (tg, w) in tags.iter().zip(&s.words) {
            assert_eq!(tg.upos.as_str(), w.upos, "UPOS of {:?}", w.form);
            assert_eq!(tg.xpos, w.xpos, "XPOS of {:?}", w.form);
            assert_eq!(tg.lemma, w.lemma, "lemma of {:?}", w.form);
        }
    }
}

#[test]
fn parser_learns_training_sentences() {
    assert_parses_tiny(&tiny_parser());
}

#[test]
fn beam_parser_learns_training_sentences() {
    let p = tiny_parser_beam(4);
    assert_eq!(p.beam(), 4);
    assert_parses_tiny(&p);
    let bytes = p.to_bytes().unwrap();
    let loaded = Parser::from_bytes(&bytes).unwrap();
    assert_eq!(loaded.beam(), 4);
    assert_eq!(loaded.to_bytes().unwrap(), bytes);
    assert_eq!(bytes, tiny_parser_beam(4).to_bytes().unwrap());
}

/// Most relations as their own transitions (more than the dense tables
/// hold, so the sparse ones score them) and the context features.
#[test]
fn labelled_transition_parser_learns_training_sentences() {
    let cfg = parser::TrainConfig {
        epochs: 15,
        seed: 7,
        min_count: 1,
        beam: 1,
        arc_labels: [14, 14],
        context: true,
        ..Default::default()
    };
    let p = Parser::train(&tiny(), None, None, &cfg, &mut |_| {}).expect("parser trains");
    assert_parses_tiny(&p);
    let bytes = p.to_bytes().unwrap();
    let loaded = Parser::from_bytes(&bytes).unwrap();
    assert_parses_tiny(&loaded);
    assert_eq!(loaded.to_bytes().unwrap(), bytes);
    let again = Parser::train(&tiny(), None, None, &cfg, &mut |_| {}).unwrap();
    assert_eq!(again.to_bytes().unwrap(), bytes);
}

fn assert_parses_tiny(p: &Parser) {
    for s in tiny() {
        let arcs = p.parse_tags(
            &s.forms(),
            &s.words.iter().map(|w| w.upos.as_str()).collect::<Vec<_>>(),
            &s.words.iter().map(|w| w.xpos.as_str()).collect::<Vec<_>>(),
        );
        for (a, w) in arcs.iter().zip(&s.words) {
            assert_eq!(
                (a.head, a.deprel),
                (w.head, w.deprel.as_str()),
                "arc of {:?}",
                w.form
            );
        }
    }
}

#[test]
fn models_round_trip_through_files() {
    let dir = tempfile::tempdir().unwrap();
    let (t, p) = (tiny_tagger(), tiny_parser());
    let (tp, pp) = (dir.path().join("t.bin.zst"), dir.path().join("p.bin.zst"));
    t.save(&tp).unwrap();
    p.save(&pp).unwrap();
    let (t2, p2) = (Tagger::load(&tp).unwrap(), Parser::load(&pp).unwrap());
    assert_eq!(t2.to_bytes().unwrap(), std::fs::read(&tp).unwrap());
    assert_eq!(p2.to_bytes().unwrap(), std::fs::read(&pp).unwrap());
    let words = [
        "The", "minister", "signed", "a", "deal", "in", "Boston", ".",
    ];
    let tags = t.tag(&words);
    assert_eq!(tags, t2.tag(&words));
    assert_eq!(p.parse(&words, &tags), p2.parse(&words, &tags));
}

#[test]
fn training_is_deterministic() {
    assert_eq!(
        tiny_tagger().to_bytes().unwrap(),
        tiny_tagger().to_bytes().unwrap()
    );
    assert_eq!(
        tiny_parser().to_bytes().unwrap(),
        tiny_parser().to_bytes().unwrap()
    );
}

#[test]
fn bad_model_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("junk.bin");
    std::fs::write(&f, b"not a model").unwrap();
    assert!(Tagger::load(&f).is_err());
    assert!(Parser::load(&f).is_err());
    assert!(Tagger::load(&dir.path().join("missing")).is_err());
}

#[test]
fn bad_conllu_reports_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.conllu");
    std::fs::write(
        &f,
        "1\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\tNN\t_\tx\troot\t_\t_\n",
    )
    .unwrap();
    let e = format!("{:#}", conllu::read_file(&f).unwrap_err());
    assert!(e.contains("line 2") && e.contains("bad.conllu"), "{e}");
}

/// Parses with the shipped models and returns (form, upos, xpos, lemma, head, deprel).
fn shipped(words: &[&str]) -> Vec<(String, Upos, &'static str, String, usize, &'static str)> {
    let tags = Tagger::shipped().tag(words);
    let arcs = Parser::shipped().parse(words, &tags);
    words
        .iter()
        .zip(tags)
        .zip(arcs)
        .map(|((w, t), a)| (w.to_string(), t.upos, t.xpos, t.lemma, a.head, a.deprel))
        .collect()
}

const EXPULSION: [&str; 8] = [
    "Russia",
    "expelled",
    "35",
    "American",
    "diplomats",
    "on",
    "Friday",
    ".",
];

#[test]
fn shipped_models_expulsion_sentence() {
    let r = shipped(&EXPULSION);
    let exp = [
        ("Russia", Upos::Propn, "NNP", "Russia", 2, "nsubj"),
        ("expelled", Upos::Verb, "VBD", "expel", 0, "root"),
        ("35", Upos::Num, "CD", "35", 5, "nummod"),
        ("American", Upos::Adj, "JJ", "American", 5, "amod"),
        ("diplomats", Upos::Noun, "NNS", "diplomat", 2, "obj"),
        ("on", Upos::Adp, "IN", "on", 7, "case"),
        ("Friday", Upos::Propn, "NNP", "Friday", 2, "obl"),
        (".", Upos::Punct, ".", ".", 2, "punct"),
    ];
    for (got, want) in r.iter().zip(exp) {
        assert_eq!(
            (got.0.as_str(), got.1, got.2, got.3.as_str(), got.4, got.5),
            want
        );
    }
}

#[test]
fn shipped_models_passive_and_possessive() {
    let r = shipped(&[
        "The",
        "sanctions",
        "were",
        "imposed",
        "by",
        "the",
        "government",
        ".",
    ]);
    let arcs: Vec<(usize, &str)> = r.iter().map(|x| (x.4, x.5)).collect();
    assert_eq!(
        arcs,
        [
            (2, "det"),
            (4, "nsubj:pass"),
            (4, "aux:pass"),
            (0, "root"),
            (7, "case"),
            (7, "det"),
            (4, "obl:agent"),
            (4, "punct")
        ]
    );
    assert_eq!(r[2].3, "be");
    assert_eq!(r[3].3, "impose");

    let r = shipped(&["Putin", "'s", "spokesman", "did", "n't", "comment", "."]);
    let got: Vec<(&str, usize, &str)> = r.iter().map(|x| (x.3.as_str(), x.4, x.5)).collect();
    assert_eq!(
        got,
        [
            ("Putin", 3, "nmod:poss"),
            ("'s", 1, "case"),
            ("spokesman", 6, "nsubj"),
            ("do", 6, "aux"),
            ("not", 6, "advmod"),
            ("comment", 0, "root"),
            (".", 6, "punct")
        ]
    );
}

#[test]
fn shipped_fast_parser_agrees_on_a_plain_sentence() {
    let words = EXPULSION;
    let tags = Tagger::shipped().tag(&words);
    let fast = Parser::shipped_fast();
    assert_eq!(fast.beam(), 1);
    assert_eq!(Parser::shipped().beam(), 8);
    let got: Vec<(usize, &str)> = fast
        .parse(&words, &tags)
        .iter()
        .map(|a| (a.head, a.deprel))
        .collect();
    assert_eq!(
        got,
        [
            (2, "nsubj"),
            (0, "root"),
            (5, "nummod"),
            (5, "amod"),
            (2, "obj"),
            (7, "case"),
            (2, "obl"),
            (2, "punct")
        ]
    );
}

#[test]
fn parse_handles_empty_and_mismatched_input() {
    let p = Parser::shipped();
    assert!(p.parse(&[], &[]).is_empty());
    let arcs = p.parse(&["Hello", "world"], &[]);
    assert_eq!(arcs.len(), 2);
    assert_eq!(arcs.iter().filter(|a| a.head == 0).count(), 1);
    assert!(Tagger::shipped().tag(&[]).is_empty());
}
