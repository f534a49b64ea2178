#!/usr/bin/env python3
"""Derives data/lexicon/cameo.tsv from the PETRARCH2 CAMEO verb dictionary
(MIT licence, openeventdata/petrarch2): each verb's CAMEO event code (its
block's default, or its own), and the event nouns that patterns take as a
verb's object ("voice CRITICISM" -> 111) by their majority code.

The relation model uses the codes as features (an unseen trigger whose code
is known resembles the known ones); it learns from the annotated articles
what each code means for which relation. Run from the repository root:

    python3 scripts/cameo_lexicon.py ../shared/corpora/petrarch2/dictionaries/CAMEO.2.0.txt
"""
import collections
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora/petrarch2/dictionaries/CAMEO.2.0.txt"
out = sys.argv[2] if len(sys.argv) > 2 else "data/lexicon/cameo.tsv"
code_re = re.compile(r"\[:?(\d{2,4})")
verbs = {}
nouns = collections.defaultdict(collections.Counter)
block = None
for line in open(src, encoding="utf-8"):
    line = line.rstrip("\n")
    body = line.split("#", 1)[0].strip()
    if not body:
        continue
    if body.startswith("---"):
        m = code_re.search(body)
        block = m.group(1) if m else None
        continue
    if body.startswith("-"):
        m = code_re.search(body)
        if not m:
            continue
        pat = body[1:body.index("[")].split()
        if len(pat) == 2 and pat[0] == "*" and re.fullmatch(r"[A-Z][A-Z-]+", pat[1]):
            nouns[pat[1].lower()][m.group(1)] += 1
        continue
    # A verb line: "HURRY {HURRIES HURRYING HURRIED }", "ENDORSE [051]".
    m = code_re.search(body)
    code = m.group(1) if m else block
    if code is None:
        continue
    head = body.split("[", 1)[0]
    forms = re.findall(r"\{([^}]*)\}", head)
    word = re.sub(r"\{[^}]*\}", "", head).split()
    if not word:
        continue
    for w in [word[0]] + [f for fs in forms for f in fs.split()]:
        w = w.lower().replace("_", " ")
        if re.fullmatch(r"[a-z][a-z ' -]*", w) and w not in verbs:
            verbs[w] = code
rows = [(w, "verb", c) for w, c in verbs.items()]
for w, cs in nouns.items():
    code, n = cs.most_common(1)[0]
    if n / sum(cs.values()) >= 0.6 and w not in verbs:
        rows.append((w, "noun", code))
rows.sort()
with open(out, "w", encoding="utf-8") as f:
    f.write("# CAMEO event codes of verbs and event nouns, derived by scripts/cameo_lexicon.py\n")
    f.write("# from the PETRARCH2 CAMEO.2.0 verb dictionary (MIT licence, openeventdata/petrarch2).\n")
    f.write("# word\tkind\tcode\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(f"{len(verbs)} verbs, {len(rows) - len(verbs)} nouns -> {out}", file=sys.stderr)
