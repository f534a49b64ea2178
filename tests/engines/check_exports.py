#!/usr/bin/env python3
"""Load every newsgraph export into the real engine and compare with the JSON.

Usage: check_exports.py GRAPH.json [GRAPH.json ...] [--newsgraph PATH] [--keep DIR]

GRAPH.json is the truth: the script exports it with `newsgraph export` in
every format, loads each export into the engine it is meant for, and checks
that nodes, edges and their properties come back exactly, and that a "who
expelled whom" query returns the pairs computed from the JSON itself. It
prints one line per check and ends with `N passed, M failed`; the exit status
is 1 when anything failed.

Engines: networkx (json, graphml), Kùzu and Ladybug (kuzu folder, cypher
script, neo4j-csv folder), pyoxigraph (turtle, ntriples), Graphviz dot (dot,
svg, png). An engine whose Python package is missing is a failure, not a
skip: run tests/engines/run.sh to install them.
"""

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET

US = "\x1f"  # list separator of the CSV folders
NG = "https://newsgraph.dev/ontology#"
REL = "https://newsgraph.dev/relation#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"

NEO4J_NODES_HEADER = ["id:ID", ":LABEL", "label", "type", "aliases:string[]",
                      "mentions:int", "documents:string[]"]
NEO4J_RELS_HEADER = [":START_ID", ":END_ID", ":TYPE", "key", "relation", "modality",
                     "count:int", "confidence:double", "evidence", "lemma"]
# Types that neo4j-admin database import accepts after a colon (Neo4j 5 manual).
NEO4J_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char",
               "string", "point", "date", "localtime", "time", "localdatetime",
               "datetime", "duration"}
NEO4J_SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}


class CheckFailed(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise CheckFailed(msg)


def expect_eq(got, want, what):
    if got != want:
        raise CheckFailed(f"{what}: got {got!r}, expected {want!r}")


# ---------------------------------------------------------------- the truth

class Truth:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.data = json.load(f)
        self.nodes = {n["id"]: n for n in self.data["nodes"]}
        self.edges = {(e["source"], e["target"], e["key"]): e for e in self.data["edges"]}
        expect(len(self.nodes) == len(self.data["nodes"]), "duplicate node ids in the JSON")
        expect(len(self.edges) == len(self.data["edges"]), "duplicate edges in the JSON")

    def expelled(self):
        """Who expelled whom (asserted edges only), as label pairs."""
        return sorted(
            (self.nodes[s]["label"], self.nodes[t]["label"])
            for (s, t, _), e in self.edges.items()
            if e["relation"] == "expelled" and e["modality"] == "asserted"
        )

    def node_record(self, n, view=lambda s: s, item=lambda s: s):
        return {
            "id": view(n["id"]),
            "label": view(n["label"]),
            "type": n["type"],
            "aliases": [view(item(a)) for a in n.get("aliases", [])],
            "mentions": n.get("mentions", 0),
            "documents": [view(item(d)) for d in n.get("documents", [])],
        }

    def edge_record(self, e, view=lambda s: s):
        return {
            "source": view(e["source"]),
            "target": view(e["target"]),
            "key": view(e["key"]),
            "relation": view(e["relation"]),
            "modality": e["modality"],
            "count": e["count"],
            "confidence": float(e["confidence"]),
            "evidence": e.get("evidence", []),
            "lemma": view(e["lemma"]) if e.get("lemma") is not None else None,
        }


def rel_type(relation):
    """Mirror of newsgraph's escape::rel_type."""
    out = "".join(c.upper() if c.isascii() and c.isalnum() else "_" for c in relation)
    if not out or out[0].isdigit() or out == "ENTITY":
        out = "REL_" + out
    return out


def csv_item_view(s):
    """The CSV folders drop U+001F (their list separator) from list items."""
    return s.replace(US, "")


def xml_view(s):
    """XML 1.0 cannot carry most control characters: GraphML writes U+FFFD."""
    return "".join(
        c if c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD
        or ord(c) >= 0x10000 else "\uFFFD" for c in s)


def kuzu_literal_view(s):
    """What Kùzu 0.11 makes of a newsgraph Cypher literal: it decodes \\\\ and
    \\' but turns the other escapes (\\n, \\t, \\uXXXX) into the bare letter."""
    out = []
    for c in s:
        if c == "\n":
            out.append("n")
        elif c == "\r":
            out.append("r")
        elif c == "\t":
            out.append("t")
        elif (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) or c in "\u2028\u2029":
            out.append("u%04X" % ord(c))
        else:
            out.append(c)
    return "".join(out)


# ---------------------------------------------------------------- helpers

def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise CheckFailed(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p


def csv_unsafe(s):
    return s[1:] if s.startswith("'") else s


def split_list(cell):
    return [] if cell == "" else cell.split(US)


class Db:
    """A fresh Kùzu or Ladybug database."""

    def __init__(self, module, workdir, name):
        self.path = os.path.join(workdir, name)
        self.db = module.Database(self.path)
        self.conn = module.Connection(self.db)

    def run(self, stmt, params=None):
        try:
            r = self.conn.execute(stmt, params or {})
        except Exception as ex:  # the engine's own error, with the statement
            raise CheckFailed(f"{ex} in: {stmt[:300]}")
        rows = []
        while r.has_next():
            rows.append(r.get_next())
        return rows

    def close(self):
        self.conn.close()
        self.db.close()


def cypher_statements(text):
    """Statements of a newsgraph Cypher file: `//` comment lines dropped, a
    statement ends with a line ending in `;` (literals never span lines)."""
    out, cur = [], []
    for line in text.split("\n"):
        if not cur and (line.startswith("//") or not line.strip()):
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(cur).rstrip().rstrip(";"))
            cur = []
    expect(not cur, f"unterminated statement at the end: {cur[:1]}")
    return out


def outside_literals(stmt, fn):
    """Applies fn to the parts of a Cypher statement outside string literals."""
    parts, i, start = [], 0, 0
    while i < len(stmt):
        c = stmt[i]
        if c in "'\"":
            parts.append(fn(stmt[start:i]))
            j = i + 1
            while stmt[j] != c:
                j += 2 if stmt[j] == "\\" else 1
            parts.append(stmt[i:j + 1])
            i = start = j + 1
        else:
            i += 1
    parts.append(fn(stmt[start:]))
    return "".join(parts)


def read_db_graph(db, rel_tables):
    nodes = {}
    for (rec,) in db.run("MATCH (n:Entity) RETURN n"):
        nodes[rec["id"]] = {
            "id": rec["id"], "label": rec["label"], "type": rec["type"],
            "aliases": list(rec["aliases"] or []), "mentions": rec["mentions"],
            "documents": list(rec["documents"] or []),
        }
    edges = {}
    for t in rel_tables:
        for (s, tt, r) in db.run(f"MATCH (a:Entity)-[r:`{t}`]->(b:Entity) RETURN a.id, b.id, r"):
            k = (s, tt, r["key"])
            expect(k not in edges, f"edge {k} loaded twice")
            edges[k] = {
                "source": s, "target": tt, "key": r["key"], "relation": r["relation"],
                "modality": r["modality"], "count": r["count"], "confidence": r["confidence"],
                "evidence": json.loads(r["evidence"]), "lemma": r["lemma"],
                "_table": t,
            }
    return nodes, edges


def compare_db_graph(truth, nodes, edges, view=lambda s: s, item=lambda s: s):
    want_nodes = {view(i): truth.node_record(n, view, item) for i, n in truth.nodes.items()}
    expect_eq(len(nodes), len(want_nodes), "node count")
    for i, want in want_nodes.items():
        expect(i in nodes, f"node {i!r} missing")
        expect_eq(nodes[i], want, f"node {i!r}")
    expect_eq(len(edges), len(truth.edges), "edge count")
    for (s, t, k), e in truth.edges.items():
        key = (view(s), view(t), view(k))
        expect(key in edges, f"edge {key!r} missing")
        got = dict(edges[key])
        expect_eq(got.pop("_table"), rel_type(e["relation"]), f"table of edge {key!r}")
        expect_eq(got, truth.edge_record(e, view), f"edge {key!r}")


def check_expelled(db, truth, view=lambda s: s):
    want = sorted((view(a), view(b)) for a, b in truth.expelled())
    if "EXPELLED" not in {rel_type(e["relation"]) for e in truth.edges.values()}:
        expect_eq(want, [], "expelled pairs")
        return
    got = sorted(tuple(r) for r in db.run(
        "MATCH (a:Entity)-[r:EXPELLED]->(b:Entity) WHERE r.modality = 'asserted' "
        "AND r.relation = 'expelled' RETURN a.label, b.label"))
    expect_eq(got, want, "who expelled whom")


# ---------------------------------------------------------------- the checks

def check_json(truth, out, _):
    import networkx as nx
    with open(os.path.join(out, "graph.json"), encoding="utf-8") as f:
        data = json.load(f)
    g = nx.node_link_graph(data, edges="edges")
    expect(g.is_directed() and g.is_multigraph(), "not a directed multigraph")
    compare_nx(truth, g, json_strings=False)


def check_graphml(truth, out, _):
    import networkx as nx
    g = nx.read_graphml(os.path.join(out, "graph.graphml"))
    expect(g.is_directed(), "not directed")
    compare_nx(truth, g, json_strings=True, view=xml_view)
    expect_eq(g.graph.get("generator"), truth.data["graph"]["generator"], "graph generator")
    expect_eq(json.loads(g.graph["documents"]), truth.data["graph"]["documents"], "graph documents")


def compare_nx(truth, g, json_strings, view=lambda s: s):
    expect_eq(g.number_of_nodes(), len(truth.nodes), "node count")
    expect_eq(g.number_of_edges(), len(truth.edges), "edge count")
    for i, n in truth.nodes.items():
        i = view(i)
        expect(i in g.nodes, f"node {i!r} missing")
        a = dict(g.nodes[i])
        if json_strings:
            # JSON strings carry everything: only the XML text itself is viewed
            a["aliases"] = json.loads(a["aliases"])
            a["documents"] = json.loads(a["documents"])
        a.setdefault("id", i)
        want = truth.node_record(n)
        want["id"], want["label"] = view(want["id"]), view(want["label"])
        expect_eq(a, want, f"node {i!r}")
        expect(type(a["mentions"]) is int, f"node {i!r}: mentions is not an int")
    seen = set()
    viewed = {(view(x), view(y), view(z)): (x, y, z) for (x, y, z) in truth.edges}
    for s, t, k, a in g.edges(keys=True, data=True):
        a = dict(a)
        if json_strings:
            a["evidence"] = json.loads(a["evidence"])
        else:
            a["key"] = k
        key = viewed.get((s, t, a["key"]))
        expect(key is not None, f"unexpected edge {(s, t, a['key'])!r}")
        seen.add(key)
        want = truth.edge_record(truth.edges[key], view)
        a.update(source=s, target=t)
        a.setdefault("lemma", None)
        expect_eq(a, want, f"edge {key!r}")
        expect(type(a["count"]) is int and type(a["confidence"]) is float,
               f"edge {key!r}: count/confidence types {type(a['count'])}, {type(a['confidence'])}")
    expect_eq(len(seen), len(truth.edges), "distinct edges")


def check_kuzu_folder(module):
    def check(truth, out, work):
        folder = os.path.join(out, "graph.kuzu")
        with open(os.path.join(folder, "load.cypher"), encoding="utf-8") as f:
            stmts = cypher_statements(f.read())
        db = Db(module, work, f"kuzu-folder-{module.__name__}.db")
        cwd = os.getcwd()
        os.chdir(folder)  # load.cypher names its CSV files relative to the folder
        try:
            for s in stmts:
                db.run(s)
        finally:
            os.chdir(cwd)
        tables = sorted({rel_type(e["relation"]) for e in truth.edges.values()})
        nodes, edges = read_db_graph(db, tables)
        compare_db_graph(truth, nodes, edges, item=csv_item_view)
        check_expelled(db, truth)
        db.close()
    return check


def cypher_for_kuzu(text, truth):
    """The newsgraph Cypher script, adapted where Kùzu's dialect differs from
    Neo4j's: Kùzu needs a schema (DDL added here) and has no constraints, no
    multiple labels (`SET n:PERSON` dropped: the type is also a property) and
    no untyped empty lists (`[]` written as an empty STRING[])."""
    rels = sorted({rel_type(e["relation"]) for e in truth.edges.values()})
    stmts = ["CREATE NODE TABLE Entity(id STRING, label STRING, type STRING, aliases STRING[], "
             "mentions INT64, documents STRING[], PRIMARY KEY(id))"]
    for t in rels:
        stmts.append(f"CREATE REL TABLE `{t}`(FROM Entity TO Entity, key STRING, relation STRING, "
                     "modality STRING, count INT64, confidence DOUBLE, evidence STRING, lemma STRING)")
    script = []
    for s in cypher_statements(text):
        if s.startswith("CREATE CONSTRAINT "):
            continue
        s = re.sub(r"\nSET n:`[A-Z]+`\n", "\n", s)
        s = outside_literals(s, lambda part: part.replace("[]", "CAST([] AS STRING[])"))
        script.append(s)
    return stmts, script, rels


def check_cypher(module, view, merge_rels=True):
    """merge_rels=False: Ladybug 0.15.3 fails on `UNWIND … MATCH … MERGE
    (a)-[r]->(b)` with "unordered_map::at" (MERGE without UNWIND and CREATE
    after UNWIND work), so relationships are CREATEd there and the second,
    idempotence run is left to Kùzu."""
    def check(truth, out, work):
        with open(os.path.join(out, "graph.cypher"), encoding="utf-8") as f:
            text = f.read()
        stmts = cypher_statements(text)
        expect(all(s.startswith("CREATE CONSTRAINT") for s in stmts[:1 + len(
            {n["type"] for n in truth.nodes.values()})]), "constraints do not come first")
        ddl, script, rels = cypher_for_kuzu(text, truth)
        if not merge_rels:
            script = [s.replace("\nMERGE (a)-[r:", "\nCREATE (a)-[r:") for s in script]
        db = Db(module, work, f"cypher-{module.__name__}.db")
        for s in ddl + script:
            db.run(s)
        nodes, edges = read_db_graph(db, rels)
        compare_db_graph(truth, nodes, edges, view)
        check_expelled(db, truth, view)
        if merge_rels:
            for s in script:  # MERGE: a second run changes nothing
                db.run(s)
            nodes2, edges2 = read_db_graph(db, rels)
            expect(nodes2 == nodes and edges2 == edges, "running the script twice changed the graph")
        db.close()
    return check


def read_neo4j_csv(folder):
    with open(os.path.join(folder, "nodes.csv"), encoding="utf-8", newline="") as f:
        nodes = list(csv.reader(f))
    with open(os.path.join(folder, "relationships.csv"), encoding="utf-8", newline="") as f:
        rels = list(csv.reader(f))
    return nodes, rels


def check_neo4j_headers(truth, out, _):
    folder = os.path.join(out, "graph.neo4j")
    nodes, rels = read_neo4j_csv(folder)
    expect_eq(nodes[0], NEO4J_NODES_HEADER, "nodes.csv header")
    expect_eq(rels[0], NEO4J_RELS_HEADER, "relationships.csv header")
    for h in nodes[0] + rels[0]:
        if ":" in h:
            name, ty = h.rsplit(":", 1)
            base = ty[:-2] if ty.endswith("[]") else ty
            expect(base in NEO4J_SPECIAL or base.lower() in NEO4J_TYPES,
                   f"header {h!r}: {ty!r} is not a neo4j-admin type")
    expect_eq(len(nodes) - 1, len(truth.nodes), "nodes.csv rows")
    expect_eq(len(rels) - 1, len(truth.edges), "relationships.csv rows")
    for row in nodes[1:] + rels[1:]:
        for cell in row:
            expect(not cell or cell[0] not in "=+-@\t\r",
                   f"cell {cell[:40]!r} would run as a spreadsheet formula")
    for row in nodes[1:]:
        n = truth.nodes[csv_unsafe(row[0])]
        expect_eq(split_list(row[1]), ["Entity", n["type"]], ":LABEL")
        expect_eq(int(row[5]), n["mentions"], "mentions:int")
        expect_eq(split_list(csv_unsafe(row[4])), [csv_item_view(a) for a in n["aliases"]],
                  "aliases:string[]")
    for row in rels[1:]:
        e = truth.edges[(csv_unsafe(row[0]), csv_unsafe(row[1]), csv_unsafe(row[3]))]
        expect_eq(row[2], rel_type(e["relation"]), ":TYPE")
        expect_eq(float(row[7]), float(e["confidence"]), "confidence:double")
        expect_eq(json.loads(row[8]), e.get("evidence", []), "evidence")
    with open(os.path.join(folder, "import.sh"), encoding="utf-8") as f:
        sh = f.read()
    for flag in ("neo4j-admin database import full", "--nodes=", "--relationships=",
                 "--array-delimiter=U+001F", "--multiline-fields=true"):
        expect(flag in sh, f"import.sh lacks {flag}")
    run(["sh", "-n", os.path.join(folder, "import.sh")])


def check_neo4j_in_engine(module, fixup):
    """Loads the Neo4j CSV files into Kùzu/Ladybug as neo4j-admin would (cells
    as written, arrays split on U+001F), then runs fixup.cypher, and compares.
    fixup=False (Kùzu 0.11, which misreads \\n in literals): the leading `'`
    is stripped while copying instead."""
    def check(truth, out, work):
        folder = os.path.join(out, "graph.neo4j")
        tables = sorted({rel_type(e["relation"]) for e in truth.edges.values()})
        db = Db(module, work, f"neo4j-{module.__name__}.db")
        # Like neo4j-admin: the :ID column is both the import key and the `id`
        # property, which fixup.cypher may change. (concat: Kùzu copies NULL for a
        # column that is returned twice.)
        db.run("CREATE NODE TABLE Entity(import_id STRING, id STRING, label STRING, type STRING, "
               "aliases STRING[], mentions INT64, documents STRING[], PRIMARY KEY(import_id))")
        for t in tables:
            db.run(f"CREATE REL TABLE `{t}`(FROM Entity TO Entity, key STRING, relation STRING, "
                   "modality STRING, count INT64, confidence DOUBLE, evidence STRING, lemma STRING)")
        opts = "(HEADER=true, DELIM=',', QUOTE='\"', ESCAPE='\"', PARALLEL=false)"
        txt = (lambda c: c) if fixup else (lambda c: f"regexp_replace({c}, '^\\'', '')")
        lst = ("CASE WHEN {0} IS NULL THEN CAST([] AS STRING[]) ELSE regexp_split_to_array({1}, "
               "'\\\\x1f') END")
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            db.run("COPY Entity FROM (LOAD WITH HEADERS (id STRING, labels STRING, label STRING, "
                   "type STRING, aliases STRING, mentions INT64, documents STRING) FROM 'nodes.csv' "
                   f"{opts} RETURN id AS import_id, concat({txt('id')}, '') AS id, {txt('label')}, "
                   f"type, {lst.format('aliases', txt('aliases'))}, mentions, "
                   f"{lst.format('documents', txt('documents'))})")
            for t in tables:
                db.run(f"COPY `{t}` FROM (LOAD WITH HEADERS (s STRING, t STRING, ty STRING, key STRING, "
                       "relation STRING, modality STRING, count INT64, confidence DOUBLE, "
                       f"evidence STRING, lemma STRING) FROM 'relationships.csv' {opts} "
                       f"WHERE ty = '{t}' RETURN s, t, {txt('key')}, {txt('relation')}, modality, "
                       f"count, confidence, evidence, {txt('lemma')})")
        finally:
            os.chdir(cwd)
        with open(os.path.join(folder, "fixup.cypher"), encoding="utf-8") as f:
            fixups = cypher_statements(f.read()) if fixup else []
        for _ in range(2):  # the fix-up is idempotent
            for s in fixups:
                db.run(s)
        nodes, edges = read_db_graph(db, tables)
        compare_db_graph(truth, nodes, edges, item=csv_item_view)
        check_expelled(db, truth)
        db.close()
    return check


def load_rdf(path, fmt):
    import pyoxigraph as ox
    store = ox.Store()
    with open(path, "rb") as f:
        store.load(f, format=fmt)
    return store


def check_rdf(name, fmt_name):
    def check(truth, out, _):
        import pyoxigraph as ox
        fmt = getattr(ox.RdfFormat, fmt_name)
        store = load_rdf(os.path.join(out, name), fmt)
        q = lambda s: list(store.query(
            "PREFIX ng: <%s> PREFIX rel: <%s> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> %s" % (NG, REL, s)))
        rows = q("SELECT ?id ?label ?type ?mentions WHERE { ?n a ng:Entity ; ng:id ?id ; "
                 "rdfs:label ?label ; ng:mentions ?mentions ; a ?type . FILTER(?type != ng:Entity) }")
        expect_eq(len(rows), len(truth.nodes), "entities")
        for r in rows:
            n = truth.nodes[r["id"].value]
            expect_eq(r["label"].value, n["label"], "rdfs:label")
            expect_eq(r["type"].value, NG + n["type"].capitalize(), "rdf:type")
            expect_eq(int(r["mentions"].value), n["mentions"], "ng:mentions")
        alias = {}
        for r in q("SELECT ?id ?a WHERE { ?n ng:id ?id ; skos:altLabel ?a }"):
            alias.setdefault(r["id"].value, set()).add(r["a"].value)
        for i, n in truth.nodes.items():
            expect_eq(alias.get(i, set()), set(n.get("aliases", [])), f"skos:altLabel of {i!r}")
        st = {}
        for r in q("SELECT ?st ?s ?o ?p ?rel ?mod ?key ?count ?conf WHERE { ?st a rdf:Statement ; "
                   "rdf:subject ?sn ; rdf:predicate ?p ; rdf:object ?on ; ng:relation ?rel ; "
                   "ng:modality ?mod ; ng:key ?key ; ng:count ?count ; ng:confidence ?conf . "
                   "?sn ng:id ?s . ?on ng:id ?o }"):
            k = (r["s"].value, r["o"].value, r["key"].value)
            expect(k in truth.edges and k not in st, f"statement {k!r} unexpected or repeated")
            e = truth.edges[k]
            expect_eq(r["p"].value, REL + "".join(
                c if (c.isascii() and (c.isalnum() or c in "-._~:")) else
                "".join("%%%02X" % b for b in c.encode()) for c in e["relation"]), "rdf:predicate")
            expect_eq((r["rel"].value, r["mod"].value, int(r["count"].value), float(r["conf"].value)),
                      (e["relation"], e["modality"], e["count"], float(e["confidence"])),
                      f"statement {k!r}")
            st[k] = r["st"]
        expect_eq(len(st), len(truth.edges), "statements")
        for k, node in st.items():
            got = sorted((int(r["start"].value), r["sentence"].value, r["doc"].value)
                         for r in q("SELECT ?start ?sentence ?doc WHERE { %s ng:evidence ?ev . "
                                    "?ev ng:start ?start ; ng:sentence ?sentence ; ng:document ?d . "
                                    "?d ng:id ?doc }" % node))
            if not got:
                # evidence documents need not be listed in graph.documents
                got = sorted((int(r["start"].value), r["sentence"].value,
                              r["d"].value.rsplit("/", 1)[1])
                             for r in q("SELECT ?start ?sentence ?d WHERE { %s ng:evidence ?ev . "
                                        "?ev ng:start ?start ; ng:sentence ?sentence ; "
                                        "ng:document ?d }" % node))
            want = sorted((v["start"], v["sentence"], v["document"])
                          for v in truth.edges[k].get("evidence", []))
            expect_eq([(a, b) for a, b, _ in got], [(a, b) for a, b, _ in want], f"evidence of {k!r}")
        got = sorted((r["a"].value, r["b"].value) for r in q(
            "SELECT ?a ?b WHERE { ?s rel:expelled ?o . ?s rdfs:label ?a . ?o rdfs:label ?b }"))
        expect_eq(got, truth.expelled(), "who expelled whom (plain triples: asserted only)")
        plain = len(q("SELECT * WHERE { ?s ?p ?o . FILTER(STRSTARTS(STR(?p), '%s')) }" % REL))
        expect_eq(plain, sum(e["modality"] == "asserted" for e in truth.edges.values()),
                  "plain relation triples")
    return check


def check_rdf_same(truth, out, _):
    import pyoxigraph as ox
    a = set(load_rdf(os.path.join(out, "graph.ttl"), ox.RdfFormat.TURTLE))
    b = set(load_rdf(os.path.join(out, "graph.nt"), ox.RdfFormat.N_TRIPLES))
    expect(a == b, f"Turtle and N-Triples differ: {len(a ^ b)} triples")


def check_dot(truth, out, _):
    expect(shutil.which("dot"), "Graphviz `dot` is not on PATH")
    p = subprocess.run(["dot", "-Tsvg", os.path.join(out, "graph.dot")],
                       capture_output=True, text=True)
    expect_eq(p.returncode, 0, "dot exit status")
    expect_eq(p.stderr, "", "dot stderr")
    svg = ET.fromstring(p.stdout)
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text for t in svg.iter(ns + "title")]
    texts = [t.text or "" for t in svg.iter(ns + "text")]
    for i, n in truth.nodes.items():
        # DOT node ids keep everything but control characters; labels are
        # drawn one text element per line.
        want_id = "".join(c for c in i if not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)
                          or c in "\n\r")
        expect(any(t == want_id.replace("\r", "\n").replace("\n", "\\n") or t == want_id
                   for t in titles) or "\n" in i or "\r" in i, f"node {i!r} not in the SVG")
        label = n["label"]
        if not any(c in label for c in "\n\r") and all(ord(c) >= 0x20 for c in label):
            expect(label.strip() in [t.strip() for t in texts], f"label {label!r} not drawn")


def check_rendered(truth, out, _):
    with open(os.path.join(out, "graph.svg"), "rb") as f:
        ET.fromstring(f.read())
    with open(os.path.join(out, "graph.png"), "rb") as f:
        expect(f.read(8) == b"\x89PNG\r\n\x1a\n", "graph.png is not a PNG")


def check_safety(truth, out, _):
    """No hostile text leaves its literal: outside the string literals, each
    Cypher statement holds only what newsgraph writes, and no literal holds a
    raw line break."""
    with open(os.path.join(out, "graph.cypher"), encoding="utf-8") as f:
        stmts = cypher_statements(f.read())
    literal = re.compile(r"'(?:[^'\\\n]|\\.)*'")
    for s in stmts:
        code = literal.sub("S", s)
        for ident in re.findall(r"`([^`]*)`", code):
            expect(re.fullmatch(r"[A-Z0-9_]+", ident), f"identifier {ident!r} is not sanitized")
        code = re.sub(r"`[A-Z0-9_]+`", "T", code)
        expect("'" not in code, f"unbalanced quote: {code[:200]}")
        for word in ("DELETE", "DETACH", "//", "<", "&"):
            expect(word not in code, f"{word!r} outside the literals: {code[:200]}")


# ---------------------------------------------------------------- main

ENGINES = ("kuzu", "real_ladybug")
VIEWS = {"kuzu": kuzu_literal_view, "real_ladybug": lambda s: s}


def check_engine(path, name, out):
    """The Kùzu/Ladybug checks of one graph whose exports are in `out`."""
    truth = Truth(path)
    work = tempfile.mkdtemp(prefix="newsgraph-engine-")
    passed = failed = 0
    tag = os.path.basename(path)
    try:
        module = __import__(name)
    except ImportError:
        print(f"FAIL  [{tag}] {name}: python package {name!r} is missing (run tests/engines/run.sh)")
        return 0, 1
    label = f"{name} {getattr(module, '__version__', '?')}"
    for title, fn in (
        (f"kuzu folder: load.cypher on {label}", check_kuzu_folder(module)),
        (f"cypher: script on {label}" + ("" if name == "kuzu" else " (relationships CREATEd)"),
         check_cypher(module, VIEWS[name], merge_rels=name == "kuzu")),
        (f"neo4j-csv: loaded into {label}" + (" + fixup.cypher" if name != "kuzu" else ""),
         check_neo4j_in_engine(module, fixup=name != "kuzu")),
    ):
        ok = attempt(tag, title, lambda: fn(truth, out, work))
        passed += ok
        failed += not ok
    shutil.rmtree(work, ignore_errors=True)
    return passed, failed


def attempt(tag, name, fn):
    """Runs one check and prints its line; returns whether it passed."""
    try:
        fn()
        print(f"ok    [{tag}] {name}", flush=True)
        return True
    except CheckFailed as ex:
        print(f"FAIL  [{tag}] {name}: {ex}", flush=True)
    except Exception:
        print(f"FAIL  [{tag}] {name}: {traceback.format_exc().strip().splitlines()[-1]}", flush=True)
    return False


def check_graph(path, binary, keep):
    """Runs every check on one graph; returns (passed, failed)."""
    truth = Truth(path)
    work = tempfile.mkdtemp(prefix="newsgraph-engines-")
    out = keep or os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    passed = failed = 0
    tag = os.path.basename(path)

    def report(name, fn):
        nonlocal passed, failed
        ok = attempt(tag, name, lambda: fn(truth, out, work))
        passed += ok
        failed += not ok

    exports = {"json": "graph.json", "graphml": "graph.graphml", "cypher": "graph.cypher",
               "turtle": "graph.ttl", "ntriples": "graph.nt", "dot": "graph.dot",
               "svg": "graph.svg", "png": "graph.png", "kuzu": "graph.kuzu",
               "neo4j-csv": "graph.neo4j"}

    def export_all(truth, out, work):
        for fmt, name in exports.items():
            run([binary, "export", path, "--format", fmt, "--output", os.path.join(out, name)])

    print(f"checking {path}: {len(truth.nodes)} nodes, {len(truth.edges)} edges, "
          f"{len(truth.expelled())} asserted 'expelled' pairs")
    report("newsgraph export (every format)", export_all)
    report("json: networkx node_link_graph", check_json)
    report("graphml: networkx read_graphml", check_graphml)
    report("cypher: hostile names stay inside literals", check_safety)
    for name in ENGINES:
        # Kùzu and Ladybug cannot be imported into one process: one child each.
        p = subprocess.run([sys.executable, os.path.abspath(__file__), path, "--engine", name,
                            "--out", out], capture_output=True, text=True)
        lines = p.stdout.strip().splitlines()
        m = re.fullmatch(r"(\d+) passed, (\d+) failed", lines[-1]) if lines else None
        for line in lines[:-1] if m else lines:
            print(line)
        if m and p.returncode in (0, 1):
            passed += int(m.group(1))
            failed += int(m.group(2))
        else:
            print(f"FAIL  [{tag}] {name}: checker crashed ({p.returncode}): {p.stderr.strip()[-500:]}")
            failed += 1
    report("neo4j-csv: headers, types, cells", check_neo4j_headers)
    report("turtle: pyoxigraph + SPARQL", check_rdf("graph.ttl", "TURTLE"))
    report("ntriples: pyoxigraph + SPARQL", check_rdf("graph.nt", "N_TRIPLES"))
    report("turtle and ntriples hold the same triples", check_rdf_same)
    report("dot: dot -Tsvg without warnings", check_dot)
    report("svg/png: rendered by newsgraph", check_rendered)
    shutil.rmtree(work, ignore_errors=True)
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("graphs", nargs="+", metavar="GRAPH.json", help="newsgraph JSON graphs")
    ap.add_argument("--newsgraph", default=os.environ.get("NEWSGRAPH", "target/debug/newsgraph"),
                    help="the newsgraph binary (default: $NEWSGRAPH or target/debug/newsgraph)")
    ap.add_argument("--keep", help="write the exports of the (single) graph here and keep them")
    ap.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.engine:  # child process: one engine, exports already written to --out
        p, f = check_engine(args.graphs[0], args.engine, args.out)
        print(f"{p} passed, {f} failed")
        return 1 if f else 0
    if args.keep and len(args.graphs) > 1:
        ap.error("--keep takes one graph")
    passed = failed = 0
    for path in args.graphs:
        try:
            p, f = check_graph(path, os.path.abspath(args.newsgraph), args.keep)
        except (OSError, ValueError, CheckFailed) as ex:
            print(f"FAIL  {path}: cannot read the graph: {ex}")
            p, f = 0, 1
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
