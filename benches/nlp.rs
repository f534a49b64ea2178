//! Speed of the shipped NLP models on one thread over real news text:
//! the tagger, the parser (on the tagger's tags), the NER, and all three
//! together as the pipeline runs them, in tokens per second.
//!
//! Also the time to load the three models the build uses (read, decompress,
//! build the tables), which needs no corpus.
//!
//! `cargo bench --bench nlp`. Reads the first articles of
//! `../shared/corpora/news/allsides_2016_2018.csv` (or `$NEWSGRAPH_NEWS_CSV`),
//! cleaned, split into sentences and tokenized by the pipeline's own stages;
//! without that file there is nothing to measure and the bench says so.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsgraph::nlp::ner::Ner;
use newsgraph::nlp::{Parser, Tagger};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// Articles read from the corpus (about 1,200 tokens each).
const ARTICLES: usize = 60;

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("NEWSGRAPH_NEWS_CSV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/corpora/news/allsides_2016_2018.csv")
        });
    p.exists().then_some(p)
}

/// Tokenized sentences of each of the first [`ARTICLES`] articles.
fn articles(path: &PathBuf) -> Vec<Vec<Vec<String>>> {
    let mut rdr = csv::Reader::from_path(path).expect("news CSV opens");
    let col = rdr
        .headers()
        .expect("CSV header")
        .iter()
        .position(|h| h == "text")
        .expect("a text column");
    let mut out = Vec::new();
    for rec in rdr.records().take(ARTICLES) {
        let rec = rec.expect("CSV record");
        let text = rec.get(col).unwrap_or_default();
        let kept = newsgraph::clean::clean(text);
        out.push(
            newsgraph::segment::segment(text, &kept)
                .iter()
                .map(|s| {
                    s.tokens
                        .iter()
                        .map(|t| text[t.span.clone()].to_string())
                        .collect()
                })
                .collect(),
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let models = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/models");
    c.benchmark_group("load")
        .sample_size(10)
        .bench_function("tagger+parser-fast+ner", |b| {
            b.iter_with_large_drop(|| {
                let t = Tagger::load(&models.join("tagger.bin.zst")).expect("tagger loads");
                let p = Parser::load(&models.join("parser-fast.bin.zst")).expect("parser loads");
                let n = Ner::load(&models.join("ner.bin.zst")).expect("NER loads");
                (t, p, n)
            })
        });
    let Some(path) = corpus() else {
        eprintln!("nlp bench: no news corpus (set NEWSGRAPH_NEWS_CSV); nothing measured");
        return;
    };
    let owned = articles(&path);
    let docs: Vec<Vec<Vec<&str>>> = owned
        .iter()
        .map(|d| {
            d.iter()
                .map(|s| s.iter().map(String::as_str).collect())
                .collect()
        })
        .collect();
    let sents: Vec<&Vec<&str>> = docs.iter().flatten().collect();
    let tokens: usize = sents.iter().map(|s| s.len()).sum();
    let (tagger, ner) = (Tagger::shipped(), Ner::shipped());
    let tags: Vec<_> = sents.iter().map(|s| tagger.tag(s)).collect();

    let mut g = c.benchmark_group("nlp");
    g.throughput(Throughput::Elements(tokens as u64))
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    g.bench_function("tagger", |b| {
        b.iter(|| {
            sents
                .iter()
                .map(|s| tagger.tag(black_box(s)).len())
                .sum::<usize>()
        })
    });
    for (name, parser) in [
        ("fast", Parser::shipped_fast()),
        ("beam", Parser::shipped()),
    ] {
        g.bench_function(format!("parser-{name}"), |b| {
            b.iter(|| {
                sents
                    .iter()
                    .zip(&tags)
                    .map(|(s, t)| parser.parse(black_box(s), t).len())
                    .sum::<usize>()
            })
        });
        // As the pipeline runs them: each stage over a whole article
        // before the next one starts.
        g.bench_function(format!("tagger+parser-{name}+ner"), |b| {
            b.iter(|| {
                let mut n = 0;
                for doc in &docs {
                    let tags: Vec<_> = doc.iter().map(|s| tagger.tag(black_box(s))).collect();
                    let refs: Vec<&[&str]> = doc.iter().map(Vec::as_slice).collect();
                    n += ner.tag_document(&refs).len();
                    for (s, t) in doc.iter().zip(&tags) {
                        n += parser.parse(s, t).len();
                    }
                }
                n
            })
        });
    }
    g.bench_function("ner", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| {
                    let refs: Vec<&[&str]> = d.iter().map(Vec::as_slice).collect();
                    ner.tag_document(black_box(&refs)).len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
