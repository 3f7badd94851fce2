"""Assemble and validate reflections.jsonl from the hand-written lines in src/.
src/src_{r,j}_{en,es}.txt hold one hand-written sentence per line (r = reflection,
j = judgmental_reflection). This script only shuffles (fixed seed), assigns ids,
writes the JSONL, and checks: field values, 320 lines, unique ids, no exact or
near duplicates (difflib ratio > 0.8), no first-three-word opening used more
than 4 times within a label. It prints counts per label and language."""
import json, re, random, difflib, collections, sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = {("reflection","en"):"src_r_en.txt",("reflection","es"):"src_r_es.txt",
       ("judgmental_reflection","en"):"src_j_en.txt",("judgmental_reflection","es"):"src_j_es.txt"}
rows = []
for (label, lang), fn in SRC.items():
    with open(os.path.join(HERE, "src", fn), encoding="utf-8") as f:
        for line in f:
            t = line.rstrip("\n")
            if t.strip():
                rows.append({"text": t, "language": lang, "label": label})
random.Random(20261202).shuffle(rows)
out = []
for i, r in enumerate(rows, 1):
    out.append({"id": f"R3-{i:03d}", "text": r["text"], "language": r["language"], "label": r["label"]})
with open(os.path.join(HERE, "reflections.jsonl"), "w", encoding="utf-8") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + "\n")

# validation: re-read the written file
errors = []
data = [json.loads(l) for l in open(os.path.join(HERE, "reflections.jsonl"), encoding="utf-8")]
if len(data) != 320: errors.append(f"expected 320 lines, got {len(data)}")
if len({d["id"] for d in data}) != len(data): errors.append("duplicate ids")
for d in data:
    if set(d) != {"id","text","language","label"}: errors.append(f"bad keys {d}")
    if d["language"] not in ("en","es"): errors.append(f"bad language {d}")
    if d["label"] not in ("reflection","judgmental_reflection"): errors.append(f"bad label {d}")
    if not re.fullmatch(r"R3-\d{3}", d["id"]): errors.append(f"bad id {d}")
def toks(t): return re.findall(r"[\wáéíóúñü']+", t.lower())
norm = [" ".join(toks(d["text"])) for d in data]
if len(set(norm)) != len(norm): errors.append("exact duplicate texts")
for i in range(len(data)):
    for j in range(i+1, len(data)):
        if difflib.SequenceMatcher(None, norm[i], norm[j]).ratio() > 0.8:
            errors.append(f"near duplicate: {data[i]['id']} / {data[j]['id']}")
pre = collections.Counter((d["label"], " ".join(toks(d["text"])[:3])) for d in data)
for k, v in pre.items():
    if v > 4: errors.append(f"opening used {v}x within label: {k}")
c = collections.Counter((d["label"], d["language"]) for d in data)
print("total", len(data))
for lab in ("reflection","judgmental_reflection"):
    print(lab, sum(v for (l,_),v in c.items() if l==lab), {g: c[(lab,g)] for g in ("en","es")})
for g in ("en","es"):
    n = sum(v for (_,l),v in c.items() if l==g); print(g, n, f"{100*n/len(data):.1f}%")
print("max per-label opening (first 3 words):", max(pre.values()))
if errors:
    print("ERRORS:"); [print(" ", e) for e in errors]; sys.exit(1)
print("OK")
