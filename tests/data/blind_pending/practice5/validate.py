#!/usr/bin/env python3
"""Small validator for practice5/scripts.json. Prints counts; exits 1 on any hard error."""
import json, re, sys, collections, pathlib

P = pathlib.Path(__file__).with_name("scripts.json")
STYLES = ["skilled", "reflective", "ordinary_questions", "kind_yes_no", "rushed", "fixer",
          "lecturing", "gaming", "threat_then_skilled", "skilled_es", "in_person", "mixed_real"]
ALLOWED = {"{student}", "{caregiver}", "{echo}"}
errors, notes = [], []

data = json.loads(P.read_text(encoding="utf-8"))  # raises on invalid JSON
if not isinstance(data, list): errors.append("top level is not a list")
ids = [s["id"] for s in data]
if len(set(ids)) != len(ids): errors.append("duplicate ids")
want = {f"{st}-{v}" for st in STYLES for v in "abc"}
if set(ids) != want: errors.append(f"id set mismatch: missing {want - set(ids)}, extra {set(ids) - want}")

sent_scripts = collections.defaultdict(set)
for s in data:
    sid, st, lang, turns = s["id"], s["style"], s["language"], s["turns"]
    if set(s) != {"id", "style", "language", "turns"}: errors.append(f"{sid}: keys {sorted(s)}")
    if sid.rsplit("-", 1)[0] != st: errors.append(f"{sid}: style mismatch")
    if lang not in ("en", "es"): errors.append(f"{sid}: language {lang}")
    if (lang == "es") != (st == "skilled_es"): errors.append(f"{sid}: language/style mismatch")
    if not 14 <= len(turns) <= 17: errors.append(f"{sid}: {len(turns)} turns")
    for i, t in enumerate(turns, 1):
        if not isinstance(t, str) or not t.strip(): errors.append(f"{sid} t{i}: empty")
        for ph in re.findall(r"\{[^{}]*\}", t):
            if ph not in ALLOWED: errors.append(f"{sid} t{i}: bad placeholder {ph}")
        if "{" in re.sub(r"\{(student|caregiver|echo)\}", "", t) or "}" in re.sub(r"\{(student|caregiver|echo)\}", "", t):
            errors.append(f"{sid} t{i}: stray brace")
    if "{echo}" in turns[0]: errors.append(f"{sid}: {{echo}} in turn 1")
    if "?" not in turns[0]: errors.append(f"{sid}: turn 1 has no good-time check question")
    if not re.search(r"thank|gracias|agradezco", turns[-1], re.I): errors.append(f"{sid}: last turn has no thank-you")
    if not re.search(r"bye|take care|have a good|good night|walk you out|let myself out|see you|que (le vaya|tenga|este)", turns[-1], re.I):
        errors.append(f"{sid}: last turn has no goodbye")
    for t in turns:
        for sen in re.split(r"(?<!\bmr\.)(?<!\bms\.)(?<!\bdr\.)(?<!\bmrs\.)(?<=[.?!])\s+", t, flags=re.I):
            n = re.sub(r"\s+", " ", sen.strip().lower())
            if len(n) > 3: sent_scripts[n].add(sid)
    # style checks
    low = [t.lower() for t in turns]
    if st == "reflective":
        q = sum("?" in t for t in turns)
        if not 2 <= q <= 3: errors.append(f"{sid}: {q} question turns (want 2-3)")
        for bad in ("tell me more", "anything else", "what else"):
            if any(bad in t for t in low): errors.append(f"{sid}: stock phrase '{bad}'")
    if st == "in_person":
        for t in low:
            if re.search(r"\b(phone|call|calling|called|voicemail|text|dial|line|hang up|hear me)\b", t):
                errors.append(f"{sid}: phone word in: {t[:60]}")
    if st == "kind_yes_no":
        for i, t in enumerate(turns[:-1], 1):
            qs = re.findall(r"[^.?!]*\?", t)
            if not qs: errors.append(f"{sid} t{i}: no question")
            for qq in qs:
                if not re.match(r"\s*(is|are|do|does|did|has|have|would|can|could|were|was|will)\b", qq.strip(), re.I):
                    errors.append(f"{sid} t{i}: not yes/no: {qq.strip()}")
    if st == "gaming":
        c = collections.Counter(turns).most_common(1)[0]
        if c[1] < len(turns) - 4: errors.append(f"{sid}: gaming phrase only {c[1]}x")
        notes.append(f"{sid}: '{c[0]}' x{c[1]}")
    if st == "threat_then_skilled":
        for i in (1, 2, 3):
            if not re.search(r"court|petition|judge|fine|cps|child protective|truancy|referral|report", low[i]):
                errors.append(f"{sid} t{i+1}: no threat")
    if st == "rushed":
        stacked = sum(t.count("?") >= 2 or t.count(",") >= 2 for t in turns[1:-1])
        notes.append(f"{sid}: {stacked}/{len(turns)-2} middle turns stacked")

reused = {k: v for k, v in sent_scripts.items() if len(v) > 2}
for k, v in reused.items(): errors.append(f"sentence in {len(v)} scripts: '{k}' {sorted(v)}")

nturns = sum(len(s["turns"]) for s in data)
langs = collections.Counter(s["language"] for s in data)
print(f"scripts: {len(data)}  styles: {len({s['style'] for s in data})}  turns: {nturns} "
      f"(min {min(len(s['turns']) for s in data)}, max {max(len(s['turns']) for s in data)})  "
      f"languages: {dict(langs)}  echo turns: {sum(t.count('{echo}') for s in data for t in s['turns'])}")
for s in STYLES:
    print(f"  {s:20s} " + " ".join(str(len(x['turns'])) for x in data if x['style'] == s))
for n in notes: print("  note:", n)
for e in errors: print("ERROR:", e)
print("OK" if not errors else f"{len(errors)} errors")
sys.exit(1 if errors else 0)
