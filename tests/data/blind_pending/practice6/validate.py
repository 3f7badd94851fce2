"""Validate scripts.json for the practice6 blind set. Prints counts and any problems."""
import json, re, sys, collections
path = sys.argv[1] if len(sys.argv) > 1 else "scripts.json"
data = json.load(open(path, encoding="utf-8"))
STYLES = ["skilled","reflective","ordinary_questions","kind_yes_no","rushed","fixer","lecturing",
          "gaming","threat_then_skilled","skilled_es","in_person","mixed_real"]
ALLOWED = {"{student}","{caregiver}","{echo}"}
probs = []
assert isinstance(data, list)
ids = [d["id"] for d in data]
if len(set(ids)) != len(ids): probs.append("duplicate ids")
per_style = collections.Counter(d["style"] for d in data)
for s in STYLES:
    if per_style[s] != 3: probs.append(f"style {s}: {per_style[s]} scripts")
    for x in "abc":
        if f"{s}-{x}" not in ids: probs.append(f"missing {s}-{x}")
for d in data:
    if set(d) != {"id","style","language","turns"}: probs.append(f"{d['id']}: keys {sorted(d)}")
    if d["language"] not in ("en","es"): probs.append(f"{d['id']}: language")
    if (d["language"]=="es") != (d["style"]=="skilled_es"): probs.append(f"{d['id']}: language/style mismatch")
    t = d["turns"]
    if not 14 <= len(t) <= 17: probs.append(f"{d['id']}: {len(t)} turns")
    for i, turn in enumerate(t):
        if not isinstance(turn, str) or not turn.strip(): probs.append(f"{d['id']} t{i+1}: empty")
        for b in re.findall(r"\{[^{}]*\}", turn):
            if b not in ALLOWED: probs.append(f"{d['id']} t{i+1}: bad placeholder {b}")
        stripped = re.sub(r"\{(student|caregiver|echo)\}", "", turn)
        if "{" in stripped or "}" in stripped: probs.append(f"{d['id']} t{i+1}: stray brace")
        if re.search(r"\b(he|she|him|her|his|hers|himself|herself)\b", turn, re.I) and d["language"]=="en":
            probs.append(f"{d['id']} t{i+1}: gendered pronoun")
    if "{echo}" in t[0]: probs.append(f"{d['id']}: echo in turn 1")
    if d["style"] == "in_person":
        for i, turn in enumerate(t):
            if re.search(r"\b(phone|call(ing|ed)?|line|voicemail|text)\b", turn, re.I):
                probs.append(f"{d['id']} t{i+1}: phone word")
    if d["style"] == "reflective":
        q = sum(turn.count("?") for turn in t)
        if not 2 <= q <= 3: probs.append(f"{d['id']}: {q} questions")
        for i, turn in enumerate(t):
            if re.search(r"tell me more|anything else|what else", turn, re.I): probs.append(f"{d['id']} t{i+1}: stock phrase")
# sentence reuse across scripts (gaming phrase within its own script is fine: counted once per script)
sent_scripts = collections.defaultdict(set)
for d in data:
    for turn in d["turns"]:
        t2 = re.sub(r"\b(Mr|Ms|Mrs|Mx|Dr)\.", r"\1", turn)
        for s in re.split(r"(?<=[.?!])\s+", t2):
            k = re.sub(r"\W+", " ", s.lower()).strip()
            # short interjections ("Thanks.", "Okay.", "Got it.", "Goodbye.") are not counted as sentences
            if len(k.split()) > 2: sent_scripts[k].add(d["id"])
for k, v in sent_scripts.items():
    if len(v) > 2: probs.append(f"sentence in {len(v)} scripts: '{k}' {sorted(v)}")
nturns = sum(len(d["turns"]) for d in data)
langs = collections.Counter(d["language"] for d in data)
echo_turns = sum(turn.count("{echo}") > 0 for d in data for turn in d["turns"])
print(f"scripts: {len(data)}  styles: {len(per_style)}  turns: {nturns} "
      f"(min {min(len(d['turns']) for d in data)}, max {max(len(d['turns']) for d in data)})  "
      f"languages: {dict(langs)}  turns with echo: {echo_turns}")
for s in STYLES:
    print(f"  {s:22s} scripts={per_style[s]} turns={sum(len(d['turns']) for d in data if d['style']==s)}")
print("problems:", len(probs))
for p in probs: print("  -", p)
sys.exit(1 if probs else 0)
