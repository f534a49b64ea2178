//! `newsgraph evaluate relations`: builds the graph of annotated articles
//! and scores it as `../shared/tools/score.py` does (strict: the modality
//! must match), per relation type and overall, with the calibration of the
//! edges' confidence.

use super::align::{GoldFile, GoldRelation, NameIndex};
use super::train::{read_list, read_silver};
use super::RelationModel;
use crate::graph::KnowledgeGraph;
use crate::lexicon::Lexicon;
use crate::ontology::RELATIONS;
use crate::pipeline::{Pipeline, RelationOptions, RelationsChoice};
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// Arguments of `newsgraph evaluate relations`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluateArgs {
    /// The annotated articles (`articles/`, `annot/`, the id lists).
    #[arg(long, default_value = "../shared/silver")]
    pub silver: PathBuf,
    /// File of article ids to measure on (default: SILVER/dev.list).
    #[arg(long)]
    pub list: Option<PathBuf>,
    /// A relation model file instead of the shipped one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Relation extractor to measure.
    #[arg(long, value_enum, default_value_t = RelationsChoice::Model)]
    pub relations: RelationsChoice,
    /// Confidence threshold [default: the model's].
    #[arg(long)]
    pub min_confidence: Option<f32>,
}

/// Counts for precision and recall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predicted facts that fit an annotated relation.
    pub correct: usize,
    /// Predicted facts.
    pub predicted: usize,
    /// Required relations matched.
    pub matched: usize,
    /// Required relations.
    pub required: usize,
}

impl Counts {
    /// (precision, recall, F1).
    pub fn prf(&self) -> (f64, f64, f64) {
        let p = if self.predicted > 0 {
            self.correct as f64 / self.predicted as f64
        } else {
            0.0
        };
        let r = if self.required > 0 {
            self.matched as f64 / self.required as f64
        } else {
            0.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

/// One bin of the calibration table.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bin {
    /// Edges whose confidence falls in the bin.
    pub edges: usize,
    /// Of those, edges that are right.
    pub correct: usize,
    /// Sum of their confidences.
    pub confidence: f64,
}

/// The scores of a graph against annotations.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Overall, strict.
    pub overall: Counts,
    /// By relation type (predicted type for precision, annotated for recall).
    pub by_relation: BTreeMap<String, Counts>,
    /// Ten bins of confidence, 0.0–0.1 … 0.9–1.0.
    pub bins: [Bin; 10],
    /// (confidence, right) of each scored fact.
    pub facts: Vec<(f64, bool)>,
}

impl Report {
    /// Expected calibration error over the ten bins.
    pub fn ece(&self) -> f64 {
        let n: usize = self.bins.iter().map(|b| b.edges).sum();
        if n == 0 {
            return 0.0;
        }
        self.bins
            .iter()
            .filter(|b| b.edges > 0)
            .map(|b| {
                let e = b.edges as f64;
                e / n as f64 * (b.correct as f64 / e - b.confidence / e).abs()
            })
            .sum()
    }
}

/// Merges per-article annotations into one (entity ids are global).
pub fn merge_gold(files: Vec<GoldFile>) -> GoldFile {
    let mut out = GoldFile {
        documents: Vec::new(),
        entities: BTreeMap::new(),
        relations: Vec::new(),
    };
    for f in files {
        out.documents.extend(f.documents);
        for (id, e) in f.entities {
            match out.entities.get_mut(&id) {
                Some(have) => {
                    for n in e.names {
                        if !have.names.contains(&n) {
                            have.names.push(n);
                        }
                    }
                    have.required |= e.required;
                }
                None => {
                    out.entities.insert(id, e);
                }
            }
        }
        out.relations.extend(f.relations);
    }
    out
}

/// Scores a graph against annotations, strictly, as the project's scorer does.
pub fn score(gold: &GoldFile, graph: &KnowledgeGraph) -> Report {
    let names = NameIndex::new(&gold.entities);
    let mapping: HashMap<&str, String> = graph
        .nodes()
        .into_iter()
        .filter_map(|n| Some((n.id.as_str(), names.map(&n.label, &n.aliases)?)))
        .collect();
    type Tuple = (String, String, String, String);
    let mut tuples: Vec<Tuple> = Vec::new();
    let mut docs_of: BTreeMap<Tuple, BTreeSet<String>> = BTreeMap::new();
    let mut conf_of: BTreeMap<Tuple, f64> = BTreeMap::new();
    let mut report = Report::default();
    let mut unmapped: Vec<(String, f64)> = Vec::new();
    for e in graph.edges() {
        if !RELATIONS.contains(&e.relation.as_str()) {
            continue;
        }
        let (Some(s), Some(o)) = (
            mapping.get(e.source.as_str()),
            mapping.get(e.target.as_str()),
        ) else {
            unmapped.push((e.relation.clone(), e.confidence));
            continue;
        };
        let t = (
            s.clone(),
            e.relation.clone(),
            o.clone(),
            e.modality.as_str().to_string(),
        );
        if !docs_of.contains_key(&t) {
            tuples.push(t.clone());
        }
        docs_of
            .entry(t.clone())
            .or_default()
            .extend(e.evidence.iter().map(|ev| ev.document.clone()));
        let c = conf_of.entry(t).or_insert(e.confidence);
        *c = c.max(e.confidence);
    }
    let fits = |t: &Tuple, g: &GoldRelation| GoldFile::fits(g, &t.0, &t.1, &t.2, &t.3, true);
    let add_fact = |report: &mut Report, rel: &str, conf: f64, ok: bool| {
        let c = report.by_relation.entry(rel.to_string()).or_default();
        c.predicted += 1;
        c.correct += ok as usize;
        report.overall.predicted += 1;
        report.overall.correct += ok as usize;
        let b = &mut report.bins[((conf * 10.0) as usize).min(9)];
        b.edges += 1;
        b.correct += ok as usize;
        b.confidence += conf;
        report.facts.push((conf, ok));
    };
    for t in &tuples {
        let ok = gold.relations.iter().any(|g| fits(t, g));
        add_fact(&mut report, &t.1, conf_of[t], ok);
    }
    for (rel, conf) in &unmapped {
        add_fact(&mut report, rel, *conf, false);
    }
    // Recall: each required relation matched to a distinct fact within its article.
    let mut by_doc: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, g) in gold.relations.iter().enumerate() {
        if g.required {
            by_doc.entry(g.doc.as_deref()).or_default().push(i);
        }
    }
    for (doc, ids) in &by_doc {
        let edges_of: Vec<Vec<usize>> = ids
            .iter()
            .map(|&gi| {
                tuples
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| fits(t, &gold.relations[gi]))
                    .filter(|(_, t)| {
                        let d = &docs_of[*t];
                        d.is_empty() || doc.is_none_or(|doc| d.contains(doc))
                    })
                    .map(|(j, _)| j)
                    .collect()
            })
            .collect();
        let matched = max_matching(&edges_of);
        for (k, &gi) in ids.iter().enumerate() {
            let rel = gold.relations[gi].p.first().cloned().unwrap_or_default();
            let c = report.by_relation.entry(rel).or_default();
            c.required += 1;
            report.overall.required += 1;
            if matched[k] {
                c.matched += 1;
                report.overall.matched += 1;
            }
        }
    }
    report
}

/// Maximum bipartite matching (augmenting paths): which left nodes are matched.
fn max_matching(edges_of: &[Vec<usize>]) -> Vec<bool> {
    fn try_assign(
        g: usize,
        edges_of: &[Vec<usize>],
        owner: &mut HashMap<usize, usize>,
        seen: &mut BTreeSet<usize>,
    ) -> bool {
        for &t in &edges_of[g] {
            if !seen.insert(t) {
                continue;
            }
            let free = match owner.get(&t) {
                None => true,
                Some(&o) => try_assign(o, edges_of, owner, seen),
            };
            if free {
                owner.insert(t, g);
                return true;
            }
        }
        false
    }
    let mut owner = HashMap::new();
    (0..edges_of.len())
        .map(|g| try_assign(g, edges_of, &mut owner, &mut BTreeSet::new()))
        .collect()
}

/// `newsgraph evaluate relations`.
pub fn run_evaluate(args: EvaluateArgs) -> Result<()> {
    let list = args
        .list
        .clone()
        .unwrap_or_else(|| args.silver.join("dev.list"));
    let ids = read_list(&list)?;
    let docs = read_silver(&args.silver, &ids)?;
    let model = match &args.model {
        Some(p) => Some(std::sync::Arc::new(RelationModel::load(p)?)),
        None => None,
    };
    let pipeline = Pipeline::with_options(
        Lexicon::builtin(),
        RelationOptions {
            relations: args.relations,
            model,
            min_confidence: args.min_confidence,
            ..Default::default()
        },
    );
    let (documents, golds): (Vec<_>, Vec<_>) = docs.into_iter().unzip();
    let gold = merge_gold(golds);
    let progress = indicatif::ProgressBar::hidden();
    let (graph, _) = pipeline.build(documents.into_iter().map(Ok), &progress, &mut |w| {
        eprintln!("newsgraph: warning: {w}")
    });
    let report = score(&gold, &graph);
    println!("{} articles from {}", ids.len(), list.display());
    println!(
        "{:<24} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "relation", "edges", "P", "gold", "R", "F1"
    );
    for (rel, c) in &report.by_relation {
        let (p, r, f) = c.prf();
        println!(
            "{rel:<24} {:>6} {p:>6.2} {:>6} {r:>6.2} {f:>6.2}",
            c.predicted, c.required
        );
    }
    let (p, r, f) = report.overall.prf();
    println!("# calibration (strict): confidence bin, edges, share correct, mean confidence");
    for (i, b) in report.bins.iter().enumerate() {
        if b.edges > 0 {
            println!(
                "  {:.1}-{:.1} {:>6} {:>6.2} {:>6.2}",
                i as f64 / 10.0,
                (i + 1) as f64 / 10.0,
                b.edges,
                b.correct as f64 / b.edges as f64,
                b.confidence / b.edges as f64
            );
        }
    }
    println!(
        "# ECE {:.3} over {} edges",
        report.ece(),
        report.overall.predicted
    );
    println!(
        "overall strict P {p:.3} R {r:.3} F1 {f:.3} ({} of {} edges right, {} of {} required relations found)",
        report.overall.correct, report.overall.predicted, report.overall.matched, report.overall.required
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_gives_each_fact_to_one_relation() {
        // Relations 0 and 1 both fit fact 0; relation 1 also fits fact 1.
        assert_eq!(max_matching(&[vec![0], vec![0, 1]]), vec![true, true]);
        assert_eq!(max_matching(&[vec![0], vec![0]]), vec![true, false]);
    }

    #[test]
    fn symmetric_relations_fit_either_way() {
        let g: GoldRelation = serde_json::from_str(
            r#"{"s":["a"],"p":["met"],"o":["b"],"m":["asserted"],"required":true}"#,
        )
        .unwrap();
        assert!(GoldFile::fits(&g, "b", "met", "a", "asserted", true));
        assert!(!GoldFile::fits(&g, "b", "met", "a", "planned", true));
        assert!(GoldFile::fits(&g, "b", "met", "a", "planned", false));
        assert!(crate::ontology::is_symmetric("met"));
    }
}
