//! Export formats: exact output for a small graph (snapshots under
//! `tests/snapshots/`; `UPDATE_SNAPSHOTS=1 cargo test --test exports` rewrites
//! them), hostile names in every format, and the `export` command's errors.

use assert_cmd::Command;
use newsgraph::export::{self, Format, Output};
use newsgraph::graph::{Edge, Evidence, GraphMeta, KnowledgeGraph, Node};
use newsgraph::ontology::{EntityType, Modality};
use std::path::{Path, PathBuf};

const HOSTILE: &str = "O'Neil \"Hammer\" \\ {x} <b>&amp;</b>'}) DETACH DELETE n //";

fn node(id: &str, label: &str, kind: EntityType, aliases: &[&str]) -> Node {
    Node {
        id: id.into(),
        label: label.into(),
        kind,
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        mentions: aliases.len(),
        documents: vec!["doc-1".into()],
    }
}

/// Two people and a group: an asserted expulsion with evidence, a planned
/// meeting, and one hostile name.
fn small_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    g.meta = GraphMeta {
        schema: "1".into(),
        generator: "newsgraph test".into(),
        documents: vec![],
    };
    g.add_node(node(
        "person:anna-berg",
        "Anna Berg",
        EntityType::Person,
        &["Anna Berg", "Berg"],
    ));
    g.add_node(node(
        "group:ostmark-diplomats",
        "Ostmark diplomats",
        EntityType::Group,
        &["Ostmark diplomats"],
    ));
    g.add_node(node(
        "person:o-neil",
        HOSTILE,
        EntityType::Person,
        &["=SUM(A1)", "a;b,c [d]", "line\nbreak"],
    ));
    let sentence = "Anna Berg expelled four Ostmark diplomats.";
    g.add_edge(Edge {
        source: "person:anna-berg".into(),
        target: "group:ostmark-diplomats".into(),
        key: "expelled/asserted".into(),
        relation: "expelled".into(),
        modality: Modality::Asserted,
        count: 2,
        confidence: 0.9,
        evidence: vec![Evidence {
            document: "doc-1".into(),
            sentence: sentence.into(),
            start: 10,
            end: 10 + sentence.chars().count(),
            trigger: "expelled".into(),
            date: Some("2031-03-03".into()),
            event_date: None,
        }],
        lemma: None,
    });
    g.add_edge(Edge {
        source: "person:anna-berg".into(),
        target: "person:o-neil".into(),
        key: "met/planned".into(),
        relation: "met".into(),
        modality: Modality::Planned,
        count: 1,
        confidence: 1.0,
        evidence: vec![],
        lemma: None,
    });
    g
}

/// A graph whose every string is hostile, ids and relations included.
fn hostile_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let a = format!("={HOSTILE}\r\n\t");
    let b = format!("+{HOSTILE};\u{1}");
    g.add_node(node(
        &a,
        &b,
        EntityType::Org,
        &[&a, &b, "-1", "@x", "'quoted'"],
    ));
    g.add_node(node(&b, &a, EntityType::Person, &[]));
    g.add_edge(Edge {
        source: a.clone(),
        target: b.clone(),
        key: format!("{HOSTILE}/asserted"),
        relation: "x`]->(n) DELETE n".into(),
        modality: Modality::Asserted,
        count: 1,
        confidence: 0.5,
        evidence: vec![Evidence {
            document: HOSTILE.into(),
            sentence: format!("{HOSTILE}\n]]></data>"),
            start: 0,
            end: 1,
            trigger: HOSTILE.into(),
            date: None,
            event_date: None,
        }],
        lemma: Some(format!("'{HOSTILE}")),
    });
    g
}

fn stream(graph: &KnowledgeGraph, format: Format) -> String {
    let mut buf = Vec::new();
    export::write_stream(graph, format, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

fn folder(graph: &KnowledgeGraph, format: Format) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    export::write_graph(graph, format, &Output::Path(dir.clone())).unwrap();
    (tmp, dir)
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(actual, expected, "snapshot {name} differs");
}

#[test]
fn graphml_snapshot() {
    snapshot("small.graphml", &stream(&small_graph(), Format::Graphml));
}

#[test]
fn cypher_snapshot() {
    snapshot("small.cypher", &stream(&small_graph(), Format::Cypher));
}

#[test]
fn turtle_snapshot() {
    snapshot("small.ttl", &stream(&small_graph(), Format::Turtle));
}

#[test]
fn ntriples_snapshot() {
    snapshot("small.nt", &stream(&small_graph(), Format::Ntriples));
}

#[test]
fn neo4j_csv_snapshot() {
    let (_tmp, dir) = folder(&small_graph(), Format::Neo4jCsv);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".newsgraph-export",
            "README.md",
            "fixup.cypher",
            "import.sh",
            "nodes.csv",
            "relationships.csv"
        ]
    );
    for f in [
        "nodes.csv",
        "relationships.csv",
        "fixup.cypher",
        "import.sh",
        "README.md",
    ] {
        snapshot(
            &format!("small.neo4j/{f}"),
            &std::fs::read_to_string(dir.join(f)).unwrap(),
        );
    }
}

#[test]
fn kuzu_snapshot() {
    let (_tmp, dir) = folder(&small_graph(), Format::Kuzu);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".newsgraph-export",
            "entities.csv",
            "load.cypher",
            "relations.csv"
        ]
    );
    for f in ["entities.csv", "relations.csv", "load.cypher"] {
        snapshot(
            &format!("small.kuzu/{f}"),
            &std::fs::read_to_string(dir.join(f)).unwrap(),
        );
    }
}

/// Decodes the single-quoted literals of a Cypher text (`//` comment lines
/// dropped) and returns the text with each literal replaced by `S`, plus the
/// decoded literals.
fn cypher_literals(text: &str) -> (String, Vec<String>) {
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut code = String::new();
    let mut lits = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\'' {
            code.push(c);
            continue;
        }
        let mut lit = String::new();
        loop {
            match chars.next().expect("unterminated literal") {
                '\'' => break,
                '\n' => panic!("raw line break in a literal"),
                '\\' => match chars.next().unwrap() {
                    'n' => lit.push('\n'),
                    'r' => lit.push('\r'),
                    't' => lit.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        lit.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    c => lit.push(c),
                },
                c => lit.push(c),
            }
        }
        code.push('S');
        lits.push(lit);
    }
    (code, lits)
}

#[test]
fn hostile_names_stay_data_in_cypher() {
    let g = hostile_graph();
    let (code, lits) = cypher_literals(&stream(&g, Format::Cypher));
    assert!(!code.contains("DETACH"), "{code}");
    assert!(
        code.contains("MERGE (a)-[r:`X_____N__DELETE_N` {key: row.key}]->(b)"),
        "{code}"
    );
    let a = &g.nodes()[0];
    assert!(lits.contains(&a.id) && lits.contains(&a.label));
    let lemma = g.edges()[0].lemma.clone().unwrap();
    assert!(lits.contains(&lemma));
    let evidence = serde_json::to_string(&g.edges()[0].evidence).unwrap();
    assert!(lits.contains(&evidence));
}

#[test]
fn hostile_names_stay_data_in_graphml() {
    let g = hostile_graph();
    let out = stream(&g, Format::Graphml);
    assert!(!out.contains("<b>") && !out.contains("]]></data>\n"));
    assert!(out.contains(
        "<data key=\"n_label\">+O&apos;Neil &quot;Hammer&quot; \\ {x} &lt;b&gt;&amp;amp;&lt;/b&gt;&apos;}) DETACH DELETE n //;\u{FFFD}</data>"
    ));
    assert!(out.contains("<node id=\"=O&apos;Neil &quot;Hammer&quot; \\ {x} &lt;b&gt;&amp;amp;&lt;/b&gt;&apos;}) DETACH DELETE n //&#13;&#10;&#9;\">"));
    // Every line is one element: no name opened a new one.
    let elements = out
        .lines()
        .filter(|l| l.trim_start().starts_with('<'))
        .count();
    assert_eq!(elements, out.lines().count());
}

#[test]
fn hostile_names_round_trip_through_rdf() {
    let g = hostile_graph();
    for format in [Format::Turtle, Format::Ntriples] {
        let text = stream(&g, format);
        let triples: Vec<oxrdf::Triple> = if format == Format::Turtle {
            oxttl::TurtleParser::new()
                .for_slice(text.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap()
        } else {
            oxttl::NTriplesParser::new()
                .for_slice(text.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let literals: Vec<String> = triples
            .iter()
            .filter_map(|t| match &t.object {
                oxrdf::Term::Literal(l) => Some(l.value().to_string()),
                _ => None,
            })
            .collect();
        for n in g.nodes() {
            assert!(
                literals.contains(&n.id) && literals.contains(&n.label),
                "{format:?}"
            );
            for a in &n.aliases {
                assert!(literals.contains(a), "{format:?} {a:?}");
            }
        }
        let e = g.edges()[0];
        for s in [
            &e.key,
            &e.relation,
            e.lemma.as_ref().unwrap(),
            &e.evidence[0].sentence,
        ] {
            assert!(literals.contains(s), "{format:?} {s:?}");
        }
        // One plain relation triple (asserted), predicate percent-encoded.
        let plain: Vec<_> = triples
            .iter()
            .filter(|t| {
                t.predicate
                    .as_str()
                    .starts_with(newsgraph::export::rdf::REL)
            })
            .collect();
        assert_eq!(plain.len(), 1);
        assert_eq!(
            plain[0].predicate.as_str(),
            "https://newsgraph.dev/relation#x%60%5D-%3E%28n%29%20DELETE%20n"
        );
    }
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn unsafe_cell(s: &str) -> String {
    newsgraph::export::escape::csv_unsafe(s).to_string()
}

fn split(cell: &str) -> Vec<String> {
    if cell.is_empty() {
        vec![]
    } else {
        cell.split('\u{1f}').map(str::to_string).collect()
    }
}

#[test]
fn hostile_names_round_trip_through_csv_folders() {
    let g = hostile_graph();
    let nodes = g.nodes();
    for (format, file, list_col) in [
        (Format::Neo4jCsv, "nodes.csv", 4),
        (Format::Kuzu, "entities.csv", 3),
    ] {
        let (_tmp, dir) = folder(&g, format);
        let rows = read_csv(&dir.join(file));
        assert_eq!(rows.len(), nodes.len());
        for (row, n) in rows.iter().zip(&nodes) {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell:?}"
                );
            }
            assert_eq!(unsafe_cell(&row[0]), n.id);
            let label_col = if format == Format::Kuzu { 1 } else { 2 };
            assert_eq!(unsafe_cell(&row[label_col]), n.label);
            assert_eq!(split(&unsafe_cell(&row[list_col])), n.aliases);
        }
        let rels = read_csv(&dir.join(if format == Format::Kuzu {
            "relations.csv"
        } else {
            "relationships.csv"
        }));
        let e = g.edges()[0];
        assert_eq!(rels[0][2], "X_____N__DELETE_N");
        assert_eq!(unsafe_cell(&rels[0][0]), e.source);
        assert_eq!(unsafe_cell(&rels[0][9]), *e.lemma.as_ref().unwrap());
        let evidence: Vec<Evidence> = serde_json::from_str(&rels[0][8]).unwrap();
        assert_eq!(evidence, e.evidence);
    }
}

#[test]
fn neo4j_fixup_restores_prefixed_values() {
    let (_tmp, dir) = folder(&hostile_graph(), Format::Neo4jCsv);
    let fixup = std::fs::read_to_string(dir.join("fixup.cypher")).unwrap();
    let statements: Vec<&str> = fixup.lines().filter(|l| !l.starts_with("//")).collect();
    assert_eq!(statements.len(), 3, "{fixup}");
    assert!(statements[0].starts_with("MATCH (n:Entity {id: '\\'+O\\'Neil"));
    assert!(statements[2].starts_with("MATCH (:Entity {id: '=O\\'Neil"));
    let (code, _) = cypher_literals(&fixup);
    assert!(!code.contains("DETACH"));
}

#[test]
fn hostile_names_stay_data_in_dot() {
    let out = stream(&hostile_graph(), Format::Dot);
    assert!(out
        .contains(r#"label="+O'Neil \"Hammer\" \\ {x} <b>&amp;amp;</b>'}) DETACH DELETE n //;""#));
    assert!(!out.contains('\r') && !out.contains('\t'));
}

#[test]
fn folder_formats_need_a_folder() {
    let err = export::write_graph(&small_graph(), Format::Kuzu, &Output::Stdout).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the kuzu format writes a folder: give --output DIR"
    );
    let err = export::write_graph(&small_graph(), Format::Neo4jCsv, &Output::Stdout).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the neo4j-csv format writes a folder: give --output DIR"
    );
}

#[test]
fn folder_exports_replace_only_their_own_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("graph.kuzu");
    let out = Output::Path(dir.clone());
    export::write_graph(&small_graph(), Format::Kuzu, &out).unwrap();
    // An earlier export is replaced...
    export::write_graph(&hostile_graph(), Format::Kuzu, &out).unwrap();
    let rows = read_csv(&dir.join("entities.csv"));
    assert_eq!(rows.len(), 2);
    // ...but not once something else lives there.
    std::fs::write(dir.join("graph.db"), "mine").unwrap();
    let err = export::write_graph(&small_graph(), Format::Kuzu, &out).unwrap_err();
    assert!(
        err.to_string()
            .contains("holds files that newsgraph did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("graph.db")).unwrap(),
        "mine"
    );
    // A plain file is never replaced by a folder.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let err = export::write_graph(
        &small_graph(),
        Format::Neo4jCsv,
        &Output::Path(file.clone()),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{} exists and is not a folder", file.display())
    );
    // No temporary folders are left behind.
    let mut left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["file", "graph.kuzu"]);
}

#[test]
fn formats_from_extensions() {
    for (name, format) in [
        ("g.graphml", Format::Graphml),
        ("g.cypher", Format::Cypher),
        ("g.ttl", Format::Turtle),
        ("g.nt", Format::Ntriples),
        ("g.kuzu", Format::Kuzu),
        ("g.neo4j", Format::Neo4jCsv),
    ] {
        assert_eq!(Format::from_extension(Path::new(name)), Some(format));
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/export_graph.json")
}

#[test]
fn cli_missing_graph_is_a_one_line_error() {
    let out = Command::cargo_bin("newsgraph")
        .unwrap()
        .args(["export", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("newsgraph: cannot read graph missing.json: "),
        "{err}"
    );
}

#[test]
fn cli_folder_format_without_output_is_a_one_line_error() {
    let out = Command::cargo_bin("newsgraph")
        .unwrap()
        .args(["export"])
        .arg(fixture())
        .args(["--format", "kuzu"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "newsgraph: the kuzu format writes a folder: give --output DIR\n"
    );
}

#[test]
fn cli_exports_every_format_of_the_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    for (format, name) in [
        ("graphml", "g.graphml"),
        ("cypher", "g.cypher"),
        ("turtle", "g.ttl"),
        ("ntriples", "g.nt"),
        ("neo4j-csv", "g.neo4j"),
        ("kuzu", "g.kuzu"),
        ("json", "g.json"),
        ("dot", "g.dot"),
    ] {
        Command::cargo_bin("newsgraph")
            .unwrap()
            .args(["export"])
            .arg(fixture())
            .args(["--format", format, "--output"])
            .arg(tmp.path().join(name))
            .assert()
            .success();
    }
    let kuzu = read_csv(&tmp.path().join("g.kuzu/entities.csv"));
    assert_eq!(kuzu.len(), 8);
    let rels = read_csv(&tmp.path().join("g.neo4j/relationships.csv"));
    assert_eq!(rels.len(), 9);
    // The JSON export of the fixture is the fixture.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("g.json")).unwrap(),
        std::fs::read_to_string(fixture()).unwrap()
    );
}
