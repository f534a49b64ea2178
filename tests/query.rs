//! `newsgraph query` on a small hand-made graph (tests/fixtures/query_graph.json):
//! exact answers for paths, neighbours, edge filters, entity search, name
//! resolution, the JSON schema and SPARQL.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

const GRAPH: &str = "tests/fixtures/query_graph.json";

fn query(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("newsgraph")
        .unwrap()
        .args(["query", "--graph", GRAPH])
        .args(args)
        .assert()
}

fn stdout_of(args: &[&str]) -> String {
    let out = query(args).success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn json_of(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&stdout_of(&all)).unwrap()
}

/// The labels of each path's nodes, as `A > B > C`.
fn path_labels(answer: &Value) -> Vec<String> {
    answer["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["label"].as_str().unwrap())
                .collect::<Vec<_>>()
                .join(" > ")
        })
        .collect()
}

// ---------------------------------------------------------------- path

#[test]
fn shortest_paths_show_every_hop_with_its_sentence() {
    let expected = "\
Barack Obama → Sergey Lavrov: 2 shortest paths of 3 hops (either direction)

Path 1: Barack Obama —sanctioned→ ←criticized— Russia ←visited (negated)— José Martínez —met (planned)→ Sergey Lavrov
  HOP  SOURCE         RELATION    TARGET         MODALITY  COUNT  DOCUMENT       EVIDENCE
  1    Barack Obama   sanctioned  Russia         asserted  1      002_sanctions  The president also sanctioned Russia over the hacking of party e-mails.
  1    Russia         criticized  Barack Obama   asserted  1      002_sanctions  Russia criticized Obama for a decision it called hostile.
  2    José Martínez  visited     Russia         negated   1      004_envoy      Martínez did not visit Russia on this trip.
  3    José Martínez  met         Sergey Lavrov  planned   1      004_envoy      Martínez will meet Sergey Lavrov in Geneva next week.

Path 2: Barack Obama —expelled→ Russian diplomats —member_of→ Russian Foreign Ministry ←leader_of— Sergey Lavrov
  HOP  SOURCE             RELATION   TARGET                    MODALITY  COUNT  DOCUMENT             EVIDENCE
  1    Barack Obama       expelled   Russian diplomats         asserted  2      001_expulsions (+1)  On Thursday President Obama expelled 35 Russian diplomats and gave them 72 hour…
  2    Russian diplomats  member_of  Russian Foreign Ministry  asserted  1      001_expulsions       The diplomats all work for the Russian Foreign Ministry, officials said.
  3    Sergey Lavrov      leader_of  Russian Foreign Ministry  asserted  1      003_reply            Sergey Lavrov, who heads the Russian Foreign Ministry, spoke to reporters in Mo…
";
    assert_eq!(stdout_of(&["path", "Obama", "Lavrov"]), expected);
}

#[test]
fn evidence_flag_prints_every_sentence_in_full() {
    let out = stdout_of(&["path", "Obama", "Lavrov", "--evidence"]);
    let lines: Vec<&str> = out.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("  1    Barack Obama       expelled   Russian diplomats         asserted  2      001_expulsions  On Thursday President Obama expelled 35 Russian diplomats and gave them 72 hours to leave the country with their families."))
        .expect(&out);
    // The second sentence of the same edge: a row of its own, aligned under the first.
    let next = lines[first + 1];
    let column = lines[first].find("001_expulsions").unwrap();
    assert_eq!(next.trim_start().len() + column, next.len(), "{out}");
    assert_eq!(
        next.trim_start(),
        "002_sanctions   Obama ordered the expulsion of the Russian diplomats a week after the briefing."
    );
    assert!(out.contains(
        "Sergey Lavrov, who heads the Russian Foreign Ministry, spoke to reporters in Moscow.\n"
    ));
    assert!(!out.contains('…'));
}

#[test]
fn all_paths_are_listed_shortest_first_up_to_max_hops() {
    let answer = json_of(&["path", "Obama", "Lavrov", "--all"]);
    assert_eq!(
        path_labels(&answer),
        [
            "Barack Obama > Russia > José Martínez > Sergey Lavrov",
            "Barack Obama > Russian diplomats > Russian Foreign Ministry > Sergey Lavrov",
            "Barack Obama > Russian diplomats > Russian Foreign Ministry > United States > Sergey Lavrov",
        ]
    );
    assert_eq!(answer["query"]["max_hops"], 4);
    let three = json_of(&["path", "Obama", "Lavrov", "--all", "--max-hops", "3"]);
    assert_eq!(path_labels(&three).len(), 2);
    let limited = json_of(&["path", "Obama", "Lavrov", "--all", "--limit", "1"]);
    assert_eq!(limited["found"], 3);
    assert_eq!(path_labels(&limited).len(), 1);
}

#[test]
fn directed_paths_follow_edges_forward_and_symmetric_ones_both_ways() {
    let expected = "\
Ana Martínez → Sergey Lavrov: 1 shortest path of 2 hops (directed)

Path 1: Ana Martínez —criticized→ José Martínez —met (planned)→ Sergey Lavrov
  HOP  SOURCE         RELATION    TARGET         MODALITY  COUNT  DOCUMENT   EVIDENCE
  1    Ana Martínez   criticized  José Martínez  asserted  1      004_envoy  Columnist Ana Martínez criticized the envoy for the secrecy of the talks.
  2    José Martínez  met         Sergey Lavrov  planned   1      004_envoy  Martínez will meet Sergey Lavrov in Geneva next week.
";
    assert_eq!(
        stdout_of(&["path", "Ana Martínez", "Lavrov", "--directed"]),
        expected
    );
    // `met` is stored José → Lavrov but walks back too.
    let back = json_of(&["path", "Lavrov", "Spain", "--directed"]);
    assert_eq!(
        path_labels(&back),
        ["Sergey Lavrov > José Martínez > Spain"]
    );
    assert_eq!(
        back["paths"][0]["hops"][0]["edges"][0]["direction"],
        "backward"
    );
    query(&["path", "Obama", "Lavrov", "--directed"])
        .code(1)
        .stdout("Barack Obama → Sergey Lavrov: no path (directed)\n");
}

#[test]
fn no_path_within_max_hops_exits_1() {
    query(&["path", "Obama", "Lavrov", "--max-hops", "2"])
        .code(1)
        .stdout("Barack Obama → Sergey Lavrov: no path within 2 hops (either direction)\n");
    query(&["path", "Obama", "Arctic Ocean"]).code(1);
    query(&["path", "Obama", "Barack Obama"])
        .code(2)
        .stderr(predicate::str::contains(
            "are the same entity (person:barack-obama)",
        ));
}

#[test]
fn path_json_schema_is_exact() {
    let expected = json!({
      "query": {
        "command": "path",
        "from": {"id": "gpe:spain", "label": "Spain", "type": "GPE"},
        "to": {"id": "person:sergey-lavrov", "label": "Sergey Lavrov", "type": "PERSON"},
        "max_hops": null, "all": false, "directed": false, "limit": 20
      },
      "found": 1,
      "truncated": false,
      "paths": [{
        "length": 2,
        "nodes": [
          {"id": "gpe:spain", "label": "Spain", "type": "GPE"},
          {"id": "person:jose-martinez", "label": "José Martínez", "type": "PERSON"},
          {"id": "person:sergey-lavrov", "label": "Sergey Lavrov", "type": "PERSON"}
        ],
        "hops": [
          {"from": "gpe:spain", "to": "person:jose-martinez", "edges": [{
            "source": "person:jose-martinez", "source_label": "José Martínez",
            "relation": "member_of",
            "target": "gpe:spain", "target_label": "Spain",
            "modality": "asserted", "direction": "backward", "count": 1, "confidence": 0.65,
            "evidence": [{"document": "004_envoy",
              "sentence": "Spanish envoy José Martínez, a member of Spain's diplomatic corps, arrived in Geneva.",
              "start": 0, "end": 85, "trigger": "member of"}]
          }]},
          {"from": "person:jose-martinez", "to": "person:sergey-lavrov", "edges": [{
            "source": "person:jose-martinez", "source_label": "José Martínez",
            "relation": "met",
            "target": "person:sergey-lavrov", "target_label": "Sergey Lavrov",
            "modality": "planned", "direction": "forward", "count": 1, "confidence": 0.7,
            "evidence": [{"document": "004_envoy",
              "sentence": "Martínez will meet Sergey Lavrov in Geneva next week.",
              "start": 130, "end": 183, "trigger": "meet"}]
          }]}
        ]
      }]
    });
    assert_eq!(json_of(&["path", "Spain", "Lavrov"]), expected);
}

#[test]
fn dot_output_draws_only_the_answer() {
    let dot = stdout_of(&["path", "Ana Martínez", "José Martínez", "--format", "dot"]);
    assert!(dot.starts_with("digraph newsgraph {"), "{dot}");
    assert!(
        dot.contains(r#""person:ana-martinez" -> "person:jose-martinez""#),
        "{dot}"
    );
    assert!(dot.contains(r#"label="criticized""#), "{dot}");
    assert!(!dot.contains("gpe:russia"), "{dot}");
    assert!(!dot.contains("person:sergey-lavrov"), "{dot}");
}

// ---------------------------------------------------------------- neighbors

#[test]
fn neighbours_in_both_directions() {
    let expected = "\
Sergey Lavrov (person:sergey-lavrov, PERSON): 3 edges and 3 neighbours within 1 hop
DEPTH  SOURCE         RELATION            TARGET                    MODALITY  COUNT  DOCUMENT   EVIDENCE
1      José Martínez  met                 Sergey Lavrov             planned   1      004_envoy  Martínez will meet Sergey Lavrov in Geneva next week.
1      Sergey Lavrov  leader_of           Russian Foreign Ministry  asserted  1      003_reply  Sergey Lavrov, who heads the Russian Foreign Ministry, spoke to reporters in Mo…
1      Sergey Lavrov  retaliated_against  United States             planned   1      003_reply  Lavrov said Moscow would retaliate against Washington in the coming days.
";
    assert_eq!(stdout_of(&["neighbors", "lavrov"]), expected);
    assert_eq!(stdout_of(&["neighbours", "Sergey Lavrov"]), expected);
}

#[test]
fn neighbours_by_direction() {
    let incoming = "\
Russia (gpe:russia, GPE): 2 edges and 2 neighbours within 1 hop
DEPTH  SOURCE         RELATION    TARGET  MODALITY  COUNT  DOCUMENT       EVIDENCE
1      Barack Obama   sanctioned  Russia  asserted  1      002_sanctions  The president also sanctioned Russia over the hacking of party e-mails.
1      José Martínez  visited     Russia  negated   1      004_envoy      Martínez did not visit Russia on this trip.
";
    assert_eq!(
        stdout_of(&["neighbors", "Russia", "--direction", "in"]),
        incoming
    );
    let outgoing = "\
Russia (gpe:russia, GPE): 2 edges and 2 neighbours within 1 hop
DEPTH  SOURCE  RELATION    TARGET                            MODALITY   COUNT  DOCUMENT       EVIDENCE
1      Russia  closed      U.S. Consulate in St. Petersburg  uncertain  1      003_reply      Russia could close the U.S. Consulate in St. Petersburg, a source suggested.
1      Russia  criticized  Barack Obama                      asserted   1      002_sanctions  Russia criticized Obama for a decision it called hostile.
";
    assert_eq!(
        stdout_of(&["neighbors", "moscow", "--direction", "out"]),
        outgoing
    );
}

#[test]
fn neighbours_by_depth() {
    let expected = "\
Sergey Lavrov (person:sergey-lavrov, PERSON): 6 edges and 5 neighbours within 2 hops
DEPTH  SOURCE                    RELATION            TARGET                    MODALITY  COUNT  DOCUMENT   EVIDENCE
1      José Martínez             met                 Sergey Lavrov             planned   1      004_envoy  Martínez will meet Sergey Lavrov in Geneva next week.
1      Sergey Lavrov             leader_of           Russian Foreign Ministry  asserted  1      003_reply  Sergey Lavrov, who heads the Russian Foreign Ministry, spoke to reporters in Mo…
1      Sergey Lavrov             retaliated_against  United States             planned   1      003_reply  Lavrov said Moscow would retaliate against Washington in the coming days.
2      José Martínez             member_of           Spain                     asserted  1      004_envoy  Spanish envoy José Martínez, a member of Spain's diplomatic corps, arrived in G…
2      José Martínez             visited             Russia                    negated   1      004_envoy  Martínez did not visit Russia on this trip.
2      Russian Foreign Ministry  accused             United States             asserted  1      003_reply  The Foreign Ministry accused Washington of trying to wreck relations for good.
";
    assert_eq!(
        stdout_of(&[
            "neighbors",
            "sergei lavrov",
            "--depth",
            "2",
            "--direction",
            "out"
        ]),
        expected
    );
    let both = json_of(&["neighbors", "Lavrov", "--depth", "2"]);
    let reached: Vec<(String, u64)> = both["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["depth"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("person:sergey-lavrov", 0),
        ("gpe:united-states", 1),
        ("org:russian-foreign-ministry", 1),
        ("person:jose-martinez", 1),
        ("gpe:russia", 2),
        ("gpe:spain", 2),
        ("group:russian-diplomats", 2),
        ("person:ana-martinez", 2),
    ]
    .iter()
    .map(|(i, d)| (i.to_string(), *d))
    .collect();
    assert_eq!(reached, want);
}

#[test]
fn neighbours_by_relation() {
    let answer = json_of(&[
        "neighbors",
        "Obama",
        "--relation",
        "expelled",
        "-r",
        "criticized",
    ]);
    let rows: Vec<String> = answer["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} ({})",
                e["source"], e["relation"], e["target"], e["direction"]
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            r#""person:barack-obama" "expelled" "group:russian-diplomats" ("out")"#,
            r#""gpe:russia" "criticized" "person:barack-obama" ("in")"#,
        ]
    );
    assert_eq!(
        answer["query"]["relations"],
        json!(["criticized", "expelled"])
    );
}

// ---------------------------------------------------------------- edges

/// `source relation target modality` of each row of `edges`.
fn edge_rows(args: &[&str]) -> Vec<String> {
    let mut all = vec!["edges"];
    all.extend(args);
    json_of(&all)["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["source"].as_str().unwrap(),
                e["relation"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
                e["modality"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn edges_table_by_source() {
    let expected = "\
2 edges
SOURCE        RELATION    TARGET             MODALITY  COUNT  DOCUMENT             EVIDENCE
Barack Obama  expelled    Russian diplomats  asserted  2      001_expulsions (+1)  On Thursday President Obama expelled 35 Russian diplomats and gave them 72 hour…
Barack Obama  sanctioned  Russia             asserted  1      002_sanctions        The president also sanctioned Russia over the hacking of party e-mails.
";
    assert_eq!(
        stdout_of(&["edges", "--source", "President Obama"]),
        expected
    );
}

#[test]
fn edges_each_filter() {
    assert_eq!(
        edge_rows(&["--target", "russian foreign ministry"]),
        [
            "group:russian-diplomats member_of org:russian-foreign-ministry asserted",
            "person:sergey-lavrov leader_of org:russian-foreign-ministry asserted",
        ]
    );
    assert_eq!(
        edge_rows(&["--relation", "Criticized"]),
        [
            "person:ana-martinez criticized person:jose-martinez asserted",
            "gpe:russia criticized person:barack-obama asserted",
        ]
    );
    assert_eq!(
        edge_rows(&["--modality", "negated"]),
        ["person:jose-martinez visited gpe:russia negated"]
    );
    assert_eq!(
        edge_rows(&["--modality", "planned,uncertain"]),
        [
            "person:jose-martinez met person:sergey-lavrov planned",
            "gpe:russia closed facility:us-consulate-in-st-petersburg uncertain",
            "person:sergey-lavrov retaliated_against gpe:united-states planned",
        ]
    );
    assert_eq!(
        edge_rows(&["--min-count", "2"]),
        ["person:barack-obama expelled group:russian-diplomats asserted"]
    );
    assert_eq!(
        edge_rows(&["--source", "jose martinez", "--modality", "asserted"]),
        ["person:jose-martinez member_of gpe:spain asserted"]
    );
    assert_eq!(
        edge_rows(&["--source", "Moscow", "--target", "Obama"]),
        ["gpe:russia criticized person:barack-obama asserted"]
    );
    assert_eq!(edge_rows(&[]).len(), 12);
}

#[test]
fn edges_by_document_show_only_its_sentences() {
    let expected = "\
3 edges
SOURCE        RELATION    TARGET             MODALITY  COUNT  DOCUMENT       EVIDENCE
Barack Obama  expelled    Russian diplomats  asserted  2      002_sanctions  Obama ordered the expulsion of the Russian diplomats a week after the briefing.
Barack Obama  sanctioned  Russia             asserted  1      002_sanctions  The president also sanctioned Russia over the hacking of party e-mails.
Russia        criticized  Barack Obama       asserted  1      002_sanctions  Russia criticized Obama for a decision it called hostile.
";
    assert_eq!(stdout_of(&["edges", "--document", "002"]), expected);
    assert_eq!(
        stdout_of(&["edges", "--document", "002_sanctions"]),
        expected
    );
    query(&["edges", "--document", "00"])
        .code(2)
        .stderr(predicate::str::contains("'00' is ambiguous"));
    query(&["edges", "--document", "999"])
        .code(2)
        .stderr("newsgraph: no document is named '999' (4 documents in the graph)\n");
}

#[test]
fn empty_answer_exits_1_and_bad_filters_exit_2() {
    query(&["edges", "--relation", "annexed"])
        .code(1)
        .stdout("0 edges\n");
    query(&["edges", "--relation", "expeled"])
        .code(2)
        .stderr("newsgraph: unknown relation 'expeled'; did you mean 'expelled'?\n");
    query(&["edges", "--modality", "sure"])
        .code(2)
        .stderr(predicate::str::contains("unknown modality 'sure'"));
}

// ---------------------------------------------------------------- entities

#[test]
fn entities_by_type_with_aliases_and_counts() {
    let expected = "\
3 entities
ID                 LABEL          TYPE  MENTIONS  DOCUMENTS  EDGES  ALIASES
gpe:russia         Russia         GPE   5         3          4      Moscow; Russia
gpe:united-states  United States  GPE   2         1          2      Washington
gpe:spain          Spain          GPE   1         1          1      Spain
";
    assert_eq!(stdout_of(&["entities", "--type", "gpe"]), expected);
}

#[test]
fn entities_by_name_json() {
    let answer = json_of(&["entities", "--name", "MARTINEZ"]);
    assert_eq!(
        answer,
        json!({
          "query": {"command": "entities", "type": null, "name": "MARTINEZ"},
          "entities": [
            {"id": "person:jose-martinez", "label": "José Martínez", "type": "PERSON",
             "aliases": ["José Martínez", "Spanish envoy José Martínez"],
             "mentions": 3, "documents": ["004_envoy"], "degree": 4},
            {"id": "person:ana-martinez", "label": "Ana Martínez", "type": "PERSON",
             "aliases": ["Ana Martínez", "Columnist Ana Martínez"],
             "mentions": 1, "documents": ["004_envoy"], "degree": 1}
          ]
        })
    );
    query(&["entities", "--name", "nobody"])
        .code(1)
        .stdout("0 entities\n");
}

// ---------------------------------------------------------------- names

#[test]
fn names_resolve_by_alias_accent_case_punctuation_and_id() {
    let entity = |name: &str| -> String {
        json_of(&["neighbors", name])["query"]["entity"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(entity("President Obama"), "person:barack-obama");
    assert_eq!(entity("sergei lavrov"), "person:sergey-lavrov");
    assert_eq!(entity("LAVROV"), "person:sergey-lavrov");
    assert_eq!(entity("jose martinez"), "person:jose-martinez");
    assert_eq!(entity("JOSÉ MARTÍNEZ"), "person:jose-martinez");
    assert_eq!(
        entity("US Consulate in St Petersburg"),
        "facility:us-consulate-in-st-petersburg"
    );
    assert_eq!(entity("gpe:united-states"), "gpe:united-states");
    assert_eq!(entity("Washington"), "gpe:united-states");
    assert_eq!(entity("russian-diplomats"), "group:russian-diplomats");
}

#[test]
fn ambiguous_name_lists_candidates_and_exits_2() {
    query(&["neighbors", "Martinez"]).code(2).stdout("").stderr(
        "newsgraph: 'Martinez' is ambiguous: it names 2 entities; give one of these ids instead:\n  person:ana-martinez   Ana Martínez   PERSON\n  person:jose-martinez  José Martínez  PERSON\n",
    );
}

#[test]
fn unknown_name_suggests_the_closest_and_exits_2() {
    query(&["path", "Lavrof", "Obama"]).code(2).stdout("").stderr(
        "newsgraph: no entity is named 'Lavrof'; did you mean:\n  person:sergey-lavrov  Sergey Lavrov  PERSON\n",
    );
    query(&["edges", "--target", "Rusia"])
        .code(2)
        .stderr(predicate::str::contains("  gpe:russia  Russia  GPE\n"));
    query(&["neighbors", "Xylophone Quartet"]).code(2).stderr(
        "newsgraph: no entity is named 'Xylophone Quartet' (try `newsgraph query entities --name TEXT`)\n",
    );
}

#[test]
fn missing_graph_is_one_line_naming_the_file() {
    Command::cargo_bin("newsgraph")
        .unwrap()
        .args(["query", "--graph", "no/such/graph.json", "entities"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "newsgraph: cannot read graph no/such/graph.json: ",
        ))
        .stderr(predicate::function(|s: &str| s.lines().count() == 1));
}

// ---------------------------------------------------------------- sparql

#[test]
fn sparql_select_prints_exact_rows() {
    let expected = "\
?who                       ?whom
ent:person%3Abarack-obama  ent:group%3Arussian-diplomats
(1 row)
";
    assert_eq!(
        stdout_of(&[
            "sparql",
            "SELECT ?who ?whom WHERE { ?who ng:expelled ?whom }"
        ]),
        expected
    );
    // Only asserted edges are plain triples; every edge is a statement.
    let planned = "\
?label         ?relation           ?sentence
José Martínez  met                 Martínez will meet Sergey Lavrov in Geneva next week.
Sergey Lavrov  retaliated_against  Lavrov said Moscow would retaliate against Washington in the coming days.
(2 rows)
";
    assert_eq!(
        stdout_of(&[
            "sparql",
            "SELECT ?label ?relation ?sentence WHERE { ?st rdf:subject ?s ; ng:modality \"planned\" ; ng:relation ?relation ; ng:evidence/ng:sentence ?sentence . ?s rdfs:label ?label } ORDER BY ?label"
        ]),
        planned
    );
    assert_eq!(
        stdout_of(&["sparql", "SELECT ?x WHERE { ?x ng:met ?y }"]),
        "?x\n(0 rows)\n"
    );
}

#[test]
fn sparql_json_ask_and_construct() {
    let json = stdout_of(&[
        "sparql",
        "SELECT ?x ?n WHERE { ?x ng:type \"GPE\" ; ng:mentions ?n } ORDER BY DESC(?n)",
        "--format",
        "json",
    ]);
    let value: Value = serde_json::from_str(&json).unwrap();
    let n = |v: &str| json!({"type": "literal", "value": v, "datatype": "http://www.w3.org/2001/XMLSchema#integer"});
    let x =
        |id: &str| json!({"type": "uri", "value": format!("https://newsgraph.dev/entity/{id}")});
    assert_eq!(
        value,
        json!({"head": {"vars": ["x", "n"]}, "results": {"bindings": [
            {"x": x("gpe%3Arussia"), "n": n("5")},
            {"x": x("gpe%3Aunited-states"), "n": n("2")},
            {"x": x("gpe%3Aspain"), "n": n("1")}
        ]}})
    );
    assert_eq!(
        stdout_of(&[
            "sparql",
            "ASK { ent:person%3Asergey-lavrov ng:alias \"Lavrov\" }"
        ]),
        "true\n"
    );
    assert_eq!(
        stdout_of(&["sparql", "ASK { ?a ng:visited ?b }"]),
        "false\n"
    );
    assert_eq!(
        stdout_of(&["sparql", "CONSTRUCT { ?a ng:criticized ?b } WHERE { ?a ng:criticized ?b }"]),
        "<https://newsgraph.dev/entity/gpe%3Arussia> <https://newsgraph.dev/ontology#criticized> <https://newsgraph.dev/entity/person%3Abarack-obama> .\n<https://newsgraph.dev/entity/person%3Aana-martinez> <https://newsgraph.dev/ontology#criticized> <https://newsgraph.dev/entity/person%3Ajose-martinez> .\n"
    );
}

#[test]
fn sparql_syntax_error_is_one_line_exit_2() {
    query(&["sparql", "SELECT ?x WHERE { ?x ng:type "])
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "newsgraph: SPARQL syntax error: ",
        ))
        .stderr(predicate::function(|s: &str| s.lines().count() == 1));
}

#[test]
fn sparql_reads_the_query_from_stdin() {
    Command::cargo_bin("newsgraph")
        .unwrap()
        .args(["query", "--graph", GRAPH, "sparql"])
        .write_stdin("SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")
        .assert()
        .success()
        .stdout("?n\n12\n(1 row)\n");
}

// ---------------------------------------------------------------- help

#[test]
fn help_explains_every_command_with_an_example() {
    for sub in ["path", "neighbors", "edges", "entities", "sparql"] {
        Command::cargo_bin("newsgraph")
            .unwrap()
            .args(["query", sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"))
            .stdout(predicate::str::contains(format!("newsgraph query {sub}")));
    }
    Command::cargo_bin("newsgraph")
        .unwrap()
        .args(["query", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--graph <PATH>"))
        .stdout(predicate::str::contains(
            "newsgraph query path Obama Lavrov",
        ));
}
