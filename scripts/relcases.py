#!/usr/bin/env python3
"""Runs the hand-written relation cases (tests/fixtures/relations.tsv) through
the release binary in one build and reports which cases match exactly.

    python3 scripts/relcases.py [--show] [--only PREFIX] [--parser beam]
"""
import json, os, subprocess, sys, unicodedata, re, collections

SYM = {"met", "spoke_with", "negotiated_with", "cooperated_with"}

def norm(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().replace("\u2019", "'")
    s = re.sub(r"^the ", "", s.strip())
    return s

def key(s, p, o, m):
    s, o = norm(s), norm(o)
    if p in SYM and o < s:
        s, o = o, s
    return (s, p, o, m)

cases = []
for line in open("tests/fixtures/relations.tsv", encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    cid, cat, text, edges = line.rstrip("\n").split("\t")
    exp = set()
    if edges.strip() != "-":
        for e in edges.split(" ; "):
            s, p, o, m = e.split("|")
            exp.add(key(s, p, o, m))
    cases.append((cid, cat, text, exp))
only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
cases = [c for c in cases if c[0].startswith(only)]
inp = "".join(json.dumps({"id": c[0], "text": c[2]}) + "\n" for c in cases)
parser = ["--parser", sys.argv[sys.argv.index("--parser") + 1]] if "--parser" in sys.argv else []
out = subprocess.run([os.environ.get("BIN", "target/release/newsgraph"), "build", "-", "--format", "json", "-o", "-", "-q"] + parser,
                     input=inp, capture_output=True, text=True, check=True).stdout
g = json.loads(out)
label = {n["id"]: n["label"] for n in g["nodes"]}
got = collections.defaultdict(set)
for e in g["edges"]:
    for ev in e["evidence"]:
        got[ev["document"]].add(key(label[e["source"]], e["relation"], label[e["target"]], e["modality"]))
ok = 0; tp = fp = fn = 0
per = collections.Counter(); pert = collections.Counter()
for cid, cat, text, exp in cases:
    have = got.get(cid, set())
    tp += len(exp & have); fp += len(have - exp); fn += len(exp - have)
    pert[cat] += 1
    if have == exp:
        ok += 1; per[cat] += 1
    elif "--failing" in sys.argv:
        print(cid)
    elif "--show" in sys.argv:
        print(f"{cid}: {text}")
        for x in sorted(exp - have): print("   MISS", "|".join(x))
        for x in sorted(have - exp): print("   EXTRA", "|".join(x))
print(f"cases {ok}/{len(cases)} exact | edges P {tp/max(tp+fp,1):.2f} R {tp/max(tp+fn,1):.2f} (tp {tp} fp {fp} fn {fn})")
if "--cats" in sys.argv:
    for c in sorted(pert): print(f"  {c:25} {per[c]}/{pert[c]}")
