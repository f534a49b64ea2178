//! The learned relation model: training on a tiny annotated fixture of our
//! own sentences (exact edges, same bytes twice), and user lexicon entries
//! that always fire beside the shipped model.

use newsgraph::document::Document;
use newsgraph::graph::KnowledgeGraph;
use newsgraph::lexicon::Lexicon;
use newsgraph::pipeline::{Pipeline, RelationOptions};
use newsgraph::relations::train::{prepare, read_list, read_silver, train};
use newsgraph::relations::RelationModel;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

fn tiny_model() -> RelationModel {
    let dir = Path::new("tests/fixtures/silver_tiny");
    let ids = read_list(&dir.join("train.list")).expect("list");
    let prepared = prepare(read_silver(dir, &ids).expect("fixture reads"));
    train(&prepared, 2, 12, &mut |_| {})
}

fn edges(pipeline: &Pipeline, text: &str) -> BTreeSet<(String, String, String, String)> {
    let doc = Document {
        id: "d".into(),
        text: text.into(),
        ..Default::default()
    };
    let progress = indicatif::ProgressBar::hidden();
    let (g, _): (KnowledgeGraph, usize) =
        pipeline.build(std::iter::once(Ok(doc)), &progress, &mut |_| {});
    let label = |id: &str| g.node(id).map(|n| n.label.clone()).unwrap_or_default();
    g.edges()
        .into_iter()
        .map(|e| {
            (
                label(&e.source),
                e.relation.clone(),
                label(&e.target),
                e.modality.as_str().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String, String)> {
    items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

#[test]
fn tiny_fixture_trains_to_exact_edges_and_the_same_bytes() {
    let model = tiny_model();
    assert_eq!(model.trained_on, 6);
    assert_eq!(model.to_data(), tiny_model().to_data());
    let pipeline = Pipeline::with_options(
        Lexicon::builtin(),
        RelationOptions {
            model: Some(Arc::new(model)),
            ..Default::default()
        },
    );
    assert_eq!(
        edges(
            &pipeline,
            "Gabon expelled six Cameroonian diplomats. Chad praised Gabon on Sunday."
        ),
        set(&[
            ("Chad", "praised", "Gabon", "asserted"),
            ("Gabon", "expelled", "Cameroonian diplomats", "asserted"),
        ])
    );
}

#[test]
fn user_lexicon_triggers_fire_beside_the_model() {
    let text = format!(
        "{}\nsue\tsued\tverb\n",
        include_str!("../data/lexicon/triggers.tsv")
    );
    let lexicon = Lexicon::parse(&text, "user.tsv").expect("lexicon parses");
    let with_user = Pipeline::new(lexicon);
    let got = edges(&with_user, "Kenya sued Uganda over the border dispute.");
    assert!(
        got.contains(&(
            "Kenya".into(),
            "sued".into(),
            "Uganda".into(),
            "asserted".into()
        )),
        "{got:?}"
    );
    let builtin = Pipeline::new(Lexicon::builtin());
    let got = edges(&builtin, "Kenya sued Uganda over the border dispute.");
    assert!(got.iter().all(|e| e.1 != "sued"), "{got:?}");
}
