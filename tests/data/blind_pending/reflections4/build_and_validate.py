"""Assemble hand-written lines from source_*.txt into reflections.jsonl and validate.
The script only assigns ids, shuffles order (fixed seed) and checks counts,
repeated openings and near-duplicates. Every text line was written by hand."""
import json, random, re, difflib, collections, sys
SRC = {("en","reflection"):"source_en_r.txt", ("es","reflection"):"source_es_r.txt",
       ("en","judgmental_reflection"):"source_en_j.txt", ("es","judgmental_reflection"):"source_es_j.txt"}
rows = []
for (lang, label), fn in SRC.items():
    for line in open(fn, encoding="utf-8"):
        t = line.strip()
        if t: rows.append({"text": t, "language": lang, "label": label})
ok = True
texts = [r["text"] for r in rows]
dup = [t for t, c in collections.Counter(t.lower() for t in texts).items() if c > 1]
if dup: ok = False; print("EXACT DUPLICATES:", dup)
def norm(t): return re.sub(r"[^\w\s']", "", t.lower()).split()
op = collections.Counter(" ".join(norm(t)[:4]) for t in texts)
for k, c in op.items():
    if c > 4: ok = False; print(f"OPENING x{c}: {k!r}")
for i in range(len(texts)):
    for j in range(i+1, len(texts)):
        r = difflib.SequenceMatcher(None, texts[i].lower(), texts[j].lower()).ratio()
        if r > 0.75: ok = False; print(f"NEAR-DUP {r:.2f}: {texts[i]!r} | {texts[j]!r}")
random.Random(20261202).shuffle(rows)
with open("reflections.jsonl", "w", encoding="utf-8") as f:
    for n, r in enumerate(rows, 1):
        f.write(json.dumps({"id": f"R4-{n:03d}", **r}, ensure_ascii=False) + "\n")
# re-read and count
back = [json.loads(l) for l in open("reflections.jsonl", encoding="utf-8")]
assert all(set(b) == {"id","text","language","label"} for b in back)
c = collections.Counter((b["label"], b["language"]) for b in back)
print("total", len(back))
for k in sorted(c): print(k, c[k])
print("by label", collections.Counter(b["label"] for b in back))
print("by language", collections.Counter(b["language"] for b in back))
print("VALID" if ok else "ISSUES FOUND")
