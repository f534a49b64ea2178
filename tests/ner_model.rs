//! NER tests: learning a tiny hand-written corpus, the shipped model on
//! hand-written news sentences, and serialization.

use newsgraph::nlp::clusters::Lexicon;
use newsgraph::nlp::ner::{self, EntitySpan, Ner, NerLabel, TrainConfig};
use std::path::Path;

fn spans(ner: &Ner, sent: &str) -> Vec<(String, &'static str)> {
    let words: Vec<&str> = sent.split(' ').collect();
    ner.tag(&words)
        .into_iter()
        .map(|s: EntitySpan| (words[s.start..s.end].join(" "), s.label.as_str()))
        .collect()
}

fn tiny_model() -> (Ner, Vec<ner::NerDocument>) {
    let docs = ner::read_conll(Path::new("tests/fixtures/tiny_ner.conll")).unwrap();
    let cfg = TrainConfig {
        epochs: 10,
        ..TrainConfig::default()
    };
    let model = ner::train(&docs, None, Lexicon::default(), &cfg, |_| {}).unwrap();
    (model, docs)
}

#[test]
fn learns_tiny_fixture() {
    let (model, docs) = tiny_model();
    assert_eq!(docs.len(), 3);
    for doc in &docs {
        let words: Vec<Vec<&str>> = doc
            .sentences
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        let refs: Vec<&[&str]> = words.iter().map(|w| w.as_slice()).collect();
        for (s, pred) in doc.sentences.iter().zip(model.tag_document(&refs)) {
            assert_eq!(pred, s.spans, "sentence {:?}", s.words);
        }
        for (s, w) in doc.sentences.iter().zip(&words) {
            assert_eq!(model.tag(w), s.spans, "sentence {:?}", s.words);
        }
    }
}

#[test]
fn training_is_deterministic_and_roundtrips() {
    let (a, _) = tiny_model();
    let (b, _) = tiny_model();
    let bytes = a.to_bytes().unwrap();
    assert_eq!(bytes, b.to_bytes().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.bin.zst");
    a.save(&path).unwrap();
    let loaded = Ner::load(&path).unwrap();
    assert_eq!(loaded.to_bytes().unwrap(), bytes);
    for s in [
        "Anna Kowal visited Oslo .",
        "Tomas Berg works for Northwind Shipping Company in Cardiff .",
    ] {
        assert_eq!(spans(&a, s), spans(&loaded, s));
    }
}

#[test]
fn shipped_model_roundtrips() {
    let m = Ner::shipped();
    let bytes = m.to_bytes().unwrap();
    let again = Ner::from_bytes(&bytes).unwrap();
    assert_eq!(again.to_bytes().unwrap(), bytes);
}

#[test]
fn shipped_model_tags_news() {
    let m = Ner::shipped();
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "Russian Foreign Minister Sergey Lavrov met Rex Tillerson in Washington .",
            &[("Russian", "MISC"), ("Sergey Lavrov", "PER"), ("Rex Tillerson", "PER"), ("Washington", "LOC")],
        ),
        (
            "German Chancellor Angela Merkel told reporters in Berlin that the European Union would respond .",
            &[("German", "MISC"), ("Angela Merkel", "PER"), ("Berlin", "LOC"), ("European Union", "ORG")],
        ),
        (
            "Senator Elizabeth Warren of Massachusetts criticized the Federal Reserve on Tuesday .",
            &[("Elizabeth Warren", "PER"), ("Massachusetts", "LOC"), ("Federal Reserve", "ORG")],
        ),
        (
            "French President Emmanuel Macron hosted Indian Prime Minister Narendra Modi in Paris on Saturday .",
            &[("French", "MISC"), ("Emmanuel Macron", "PER"), ("Indian", "MISC"), ("Narendra Modi", "PER"), ("Paris", "LOC")],
        ),
        (
            "The Environmental Protection Agency proposed new rules for power plants in Ohio and Pennsylvania .",
            &[("Environmental Protection Agency", "ORG"), ("Ohio", "LOC"), ("Pennsylvania", "LOC")],
        ),
        (
            "Paul Manafort , Trump 's former campaign chairman , was indicted by a grand jury in Virginia .",
            &[("Paul Manafort", "PER"), ("Trump", "PER"), ("Virginia", "LOC")],
        ),
        ("Microsoft and Google signed an agreement with the Canadian government in Ottawa .", &[
            ("Microsoft", "ORG"),
            ("Google", "ORG"),
            ("Canadian", "MISC"),
            ("Ottawa", "LOC"),
        ]),
        ("the weather was mild and nothing happened .", &[]),
    ];
    for (sent, want) in cases {
        let got = spans(m, sent);
        let want: Vec<(String, &str)> = want.iter().map(|(a, b)| (a.to_string(), *b)).collect();
        assert_eq!(got, want, "{sent}");
    }
}

#[test]
fn shipped_model_document_mode_and_empty_input() {
    let m = Ner::shipped();
    assert!(m.tag(&[]).is_empty());
    let s1: Vec<&str> = "Officials in Kabul said the talks would resume ."
        .split(' ')
        .collect();
    let s2: Vec<&str> = "Kabul has rejected the proposal .".split(' ').collect();
    let out = m.tag_document(&[&s1, &s2]);
    let want = vec![EntitySpan {
        start: 2,
        end: 3,
        label: NerLabel::Loc,
    }];
    assert_eq!(out[0], want);
    assert_eq!(
        out[1],
        vec![EntitySpan {
            start: 0,
            end: 1,
            label: NerLabel::Loc
        }]
    );
}

#[test]
fn label_names() {
    assert_eq!(
        NerLabel::ALL.map(NerLabel::as_str),
        ["PER", "ORG", "LOC", "MISC"]
    );
}

#[test]
fn bad_file_names_file_and_line() {
    let err = ner::read_conll_from(
        "EU B-ORG\nrejects O\nGerman X-FOO\n".as_bytes(),
        "bad.conll",
    )
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("bad.conll:3"), "{msg}");
    let err = ner::read_conll_from("lonely\n".as_bytes(), "bad2.conll").unwrap_err();
    assert!(format!("{err:#}").contains("bad2.conll:1"));
}

#[test]
fn reads_iob1_and_docstart() {
    let text = "-DOCSTART- -X- O O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\nParis NNP I-NP I-LOC\nLondon NNP I-NP B-LOC\n";
    let docs = ner::read_conll_from(text.as_bytes(), "t").unwrap();
    assert_eq!(docs.len(), 1);
    let s = &docs[0].sentences[0];
    let got: Vec<(usize, usize, &str)> = s
        .spans
        .iter()
        .map(|e| (e.start, e.end, e.label.as_str()))
        .collect();
    assert_eq!(got, vec![(0, 2, "PER"), (2, 3, "LOC"), (3, 4, "LOC")]);
}
