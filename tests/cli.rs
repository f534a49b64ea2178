//! The `newsgraph build` command on the bundled sample articles and on bad input.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn newsgraph() -> Command {
    Command::cargo_bin("newsgraph").expect("binary builds")
}

fn build_json(inputs: &[&str], threads: &str) -> Value {
    let out = newsgraph()
        .arg("build")
        .args(inputs)
        .args(["--format", "json", "--output", "-", "--threads", threads])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("valid JSON")
}

fn has_edge(g: &Value, s: &str, rel: &str, t: &str, modality: &str) -> bool {
    g["edges"].as_array().unwrap().iter().any(|e| {
        e["source"] == s && e["relation"] == rel && e["target"] == t && e["modality"] == modality
    })
}

fn node<'a>(g: &'a Value, id: &str) -> &'a Value {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

#[test]
fn sample_articles_give_the_expected_graph() {
    // The hand rules' edges (the model's are tested in tests/relation_model.rs
    // and tests/relations.rs).
    let g = build_json(&["data/articles", "--relations", "rules"], "2");
    assert_eq!(g["directed"], true);
    assert_eq!(g["graph"]["documents"].as_array().unwrap().len(), 5);
    // Merges: surname and full name, demonym and capital with the country.
    let halvorsen = node(&g, "person:ingrid-halvorsen");
    assert_eq!(
        halvorsen["aliases"],
        serde_json::json!(["Halvorsen", "Ingrid Halvorsen"])
    );
    assert_eq!(halvorsen["type"], "PERSON");
    let russia = node(&g, "gpe:russia");
    assert!(russia["aliases"]
        .as_array()
        .unwrap()
        .contains(&Value::from("Kremlin")));
    // Edges with their modality.
    assert!(has_edge(
        &g,
        "gpe:norway",
        "expelled",
        "group:belarusian-diplomats",
        "asserted"
    ));
    // Groups are linked to their country only with --group-links.
    assert!(!has_edge(
        &g,
        "group:belarusian-diplomats",
        "member_of",
        "gpe:belarus",
        "asserted"
    ));
    assert!(has_edge(
        &g,
        "person:ingrid-halvorsen",
        "member_of",
        "gpe:norway",
        "asserted"
    ));
    assert!(has_edge(
        &g,
        "person:ingrid-halvorsen",
        "closed",
        "facility:belarusian-consulate",
        "asserted"
    ));
    assert!(has_edge(
        &g,
        "gpe:canada",
        "sanctioned",
        "gpe:venezuela",
        "asserted"
    ));
    assert!(has_edge(&g, "gpe:russia", "met", "gpe:ukraine", "negated"));
    assert!(has_edge(
        &g,
        "person:andrei-kolesov",
        "spoke_with",
        "person:marta-hrytsenko",
        "negated"
    ));
    // "his government would not retaliate": the government he leads.
    assert!(has_edge(
        &g,
        "gpe:belarus",
        "retaliated_against",
        "gpe:norway",
        "negated"
    ));
    assert!(has_edge(
        &g,
        "person:kenji-sato",
        "met",
        "person:min-jun-park",
        "planned"
    ));
    assert!(has_edge(
        &g,
        "person:kenji-sato",
        "visited",
        "gpe:busan",
        "planned"
    ));
    assert!(has_edge(
        &g,
        "gpe:argentina",
        "cooperated_with",
        "gpe:chile",
        "uncertain"
    ));
    assert!(has_edge(
        &g,
        "person:lucia-ferrer",
        "praised",
        "person:pablo-santoro",
        "asserted"
    ));
    // Boilerplate is not content.
    assert!(!g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["label"].as_str().unwrap().contains("Ledger")));
}

#[test]
fn evidence_offsets_point_at_the_sentence_in_code_points() {
    let g = build_json(&["data/articles"], "1");
    let e = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["relation"] == "sanctioned")
        .unwrap();
    let ev = &e["evidence"][0];
    let text = std::fs::read_to_string("data/articles/03_sanctions.txt").unwrap();
    let chars: Vec<char> = text.chars().collect();
    let (s, t) = (
        ev["start"].as_u64().unwrap() as usize,
        ev["end"].as_u64().unwrap() as usize,
    );
    let slice: String = chars[s..t].iter().collect();
    assert_eq!(
        slice,
        "Canada imposed sanctions on Venezuela on Monday, citing the arrest of opposition leaders."
    );
    assert_eq!(ev["sentence"], slice);
    assert_eq!(ev["document"], "03_sanctions");
}

#[test]
fn same_input_same_bytes_whatever_the_threads() {
    let run = |threads: &str| {
        newsgraph()
            .args([
                "build",
                "data/articles",
                "--output",
                "-",
                "--threads",
                threads,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let one = run("1");
    assert_eq!(one, run("1"));
    assert_eq!(one, run("2"));
}

#[test]
fn dot_output_parses_back_with_graphviz_rust() {
    let out = newsgraph()
        .args(["build", "data/articles", "--format", "dot", "--output", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let parsed = graphviz_rust::parse(&text).expect("DOT parses");
    let printed = graphviz_rust::printer::DotPrinter::print(
        &parsed,
        &mut graphviz_rust::printer::PrinterContext::default(),
    );
    assert!(printed.contains("\"person:ingrid-halvorsen\""));
    assert!(text.contains("style=\"dashed\""));
    assert!(text.contains("cluster_legend"));
}

#[test]
fn default_build_writes_json_and_dot_into_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let articles = dir.path().join("data/articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::copy("data/articles/01_expulsion.txt", articles.join("a.txt")).unwrap();
    newsgraph()
        .current_dir(dir.path())
        .arg("build")
        .assert()
        .success();
    assert!(dir.path().join("output/graph.json").is_file());
    assert!(dir.path().join("output/graph.dot").is_file());
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

#[test]
fn bad_inputs_are_named_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = write(
        d,
        "good.txt",
        b"Title\n\nChile criticized Peru on Monday.\n",
    );
    let binary = write(d, "bin.txt", b"abc\0def");
    let utf8 = write(d, "bad.txt", b"ok\n\xff\xfe");
    let empty = write(d, "empty.txt", b"");
    let csv = write(d, "notext.csv", b"id,body\n1,hello\n");
    let jsonl = write(
        d,
        "recs.jsonl",
        b"{\"id\": \"r1\", \"text\": \"Chile praised Peru.\"}\n{not json\n",
    );
    let missing = d.join("missing.txt").display().to_string();
    let out = d.join("g.json");
    let assert = newsgraph()
        .args([
            "build",
            &good,
            &binary,
            &utf8,
            &empty,
            &csv,
            &jsonl,
            &missing,
            "--output",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.contains(&format!("newsgraph: warning: {missing}: no such file or folder").as_str()),
        "{err}"
    );
    assert!(
        lines.contains(&format!("newsgraph: warning: {binary}: binary file, skipped").as_str()),
        "{err}"
    );
    assert!(
        lines.contains(
            &format!("newsgraph: warning: {utf8}:2: invalid UTF-8 (byte 3), skipped").as_str()
        ),
        "{err}"
    );
    assert!(
        lines.contains(&format!("newsgraph: warning: {empty}: empty file, skipped").as_str()),
        "{err}"
    );
    assert!(
        lines.contains(
            &format!("newsgraph: warning: {csv}:1: no \"text\" column in the header, skipped")
                .as_str()
        ),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("newsgraph: warning: {jsonl}:2: malformed JSON"))),
        "{err}"
    );
    let g: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let docs: Vec<&str> = g["graph"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(docs, vec!["good", "r1"]);
    assert!(has_edge(
        &g,
        "gpe:chile",
        "criticized",
        "gpe:peru",
        "asserted"
    ));
    assert!(has_edge(&g, "gpe:chile", "praised", "gpe:peru", "asserted"));
}

#[test]
fn nothing_readable_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"   \n");
    let out = dir.path().join("g.json");
    newsgraph()
        .args(["build", &empty, "--output", out.to_str().unwrap()])
        .assert()
        .code(2);
    assert!(!out.exists());
    newsgraph()
        .args(["build", "/no/such/folder"])
        .assert()
        .code(2);
}

#[test]
fn csv_tsv_html_and_stdin_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = write(
        d,
        "a.csv",
        "id,title,text\nx1,T,\"Chile expelled 4 Peruvian diplomats.\nThey left.\"\n".as_bytes(),
    );
    let tsv = write(d, "b.tsv", b"id\ttext\ny1\tPeru criticized Chile.\n");
    let html = write(d, "c.html", b"<html><head><title>T</title><script>x()</script></head><body><p>Chile praised Peru.</p></body></html>");
    let g = build_json(&[&csv, &tsv, &html], "1");
    let docs: Vec<&str> = g["graph"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(docs, vec!["c", "x1", "y1"]);
    assert!(has_edge(
        &g,
        "gpe:chile",
        "expelled",
        "group:peruvian-diplomats",
        "asserted"
    ));
    assert!(has_edge(
        &g,
        "gpe:peru",
        "criticized",
        "gpe:chile",
        "asserted"
    ));
    assert!(has_edge(&g, "gpe:chile", "praised", "gpe:peru", "asserted"));
    let out = newsgraph()
        .args(["build", "-", "--output", "-"])
        .write_stdin("Chile sanctioned Peru.")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let g: Value = serde_json::from_slice(&out).unwrap();
    assert!(has_edge(
        &g,
        "gpe:chile",
        "sanctioned",
        "gpe:peru",
        "asserted"
    ));
}

#[test]
fn user_lexicon_adds_relation_types() {
    let dir = tempfile::tempdir().unwrap();
    let lex = write(dir.path(), "lex.tsv", b"# mine\nembrace\thugged\tverb\t\n");
    let art = write(dir.path(), "a.txt", b"Chile embraced Peru.\n");
    let out = newsgraph()
        .args(["build", &art, "--lexicon", &lex, "--output", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let g: Value = serde_json::from_slice(&out).unwrap();
    assert!(has_edge(&g, "gpe:chile", "hugged", "gpe:peru", "asserted"));
    let bad = write(dir.path(), "bad.tsv", b"embrace\n");
    newsgraph()
        .args(["build", &art, "--lexicon", &bad])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.tsv:1: expected"));
}

#[test]
fn explain_merges_says_why_mentions_joined() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("merges.tsv");
    newsgraph()
        .args(["build", "data/articles", "--quiet", "--output"])
        .arg(dir.path().join("g.json"))
        .arg("--explain-merges")
        .arg(&notes)
        .assert()
        .success();
    let text = std::fs::read_to_string(&notes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "node\tdocument\tsentence\tjoined\treason");
    assert!(lines.contains(
        &"person:ingrid-halvorsen\t01_expulsion\t4\tHalvorsen\tsurname, initials or part of the full name"
    ));
    assert!(lines.contains(
        &"gpe:russia\t04_denial\t2\tKremlin\tgazetteer: a spelling, demonym, capital or seat of government of the name"
    ));
}

#[test]
fn hostile_limits_give_one_line_errors_and_warnings() {
    // Absurd thread counts are refused at once.
    let out = newsgraph()
        .args([
            "build",
            "data/articles",
            "--output",
            "-",
            "--threads",
            "100000",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("--threads 100000 is more than 4 per core"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1);

    // An over-long document is cut, with a warning naming it; its title
    // stays one short line.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("dump.txt");
    let line = "Officials in Paris met envoys from Berlin. ".repeat(200);
    std::fs::write(&big, &line).unwrap();
    let out = newsgraph()
        .args([
            "build",
            big.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            "-",
        ])
        .args(["--max-document-bytes", "2K", "--quiet"])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "dump.txt (dump): document of 8.4 KB cut to its first 2.0 KB (--max-document-bytes)"
        ),
        "{err}"
    );
    let g: Value = serde_json::from_slice(&out.stdout).unwrap();
    let title = g["graph"]["documents"][0]["title"].as_str().unwrap();
    assert!(
        title.chars().count() <= 300 && title.ends_with('\u{2026}'),
        "{title}"
    );
}

/// Runs `newsgraph query` on the query fixture, expecting exit 2; its stderr.
fn query_error(args: &[&str], stdin: &str) -> String {
    let out = newsgraph()
        .args(["query", "-g", "tests/fixtures/query_graph.json"])
        .args(args)
        .write_stdin(stdin)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    String::from_utf8_lossy(&out).trim().to_string()
}

#[test]
fn hostile_queries_are_refused_or_stopped() {
    let deep = format!(
        "SELECT ?x WHERE {{ ?x ?p ?o FILTER({}1{}) }}",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    assert_eq!(
        query_error(&["sparql", "-"], &deep),
        "newsgraph: the SPARQL query nests brackets 20002 deep, more than the limit of 100"
    );
    // A cross join of every triple with itself six times does not finish.
    let join = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }";
    assert_eq!(
        query_error(&["--timeout", "1", "sparql", join], ""),
        "newsgraph: the query ran longer than 1s and was stopped (raise --timeout, or 0 for no limit)"
    );
}
