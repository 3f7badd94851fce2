#!/usr/bin/env python3
"""Validate notes.jsonl for the pii8 blind set and print counts."""
import json, re, sys, collections
path = sys.argv[1] if len(sys.argv) > 1 else '/work/blind_new/pii8/notes.jsonl'
KINDS = ['NAME', 'PHONE', 'EMAIL', 'ADDRESS', 'DOB', 'ID']
TITLES = {'sr', 'sra', 'ms', 'mr', 'mrs', 'dr', 'srta', 'don', 'doña'}
labels = collections.Counter(); occ = collections.Counter()
errors = []; warns = []; empty = 0; ids = []; known = unseen = 0
es_words = re.compile(r'\b(que|la|el|los|las|dijo|mamá|mama|abuela|porque|escuela|llamé|llame|pero|con|muy|hijo|hija|niño|niña|está|esta|tiene|no puede|mañana|semana)\b', re.I)
spanish = 0
for n, line in enumerate(open(path, encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line.strip():
        errors.append(f'line {n}: blank'); continue
    try:
        o = json.loads(line)
    except Exception as e:
        errors.append(f'line {n}: bad json {e}'); continue
    if set(o) != {'id', 'text', 'pii', 'known_names'}:
        errors.append(f'line {n}: keys {sorted(o)}')
    ids.append(o.get('id'))
    t = o['text']
    if len(es_words.findall(t)) >= 3: spanish += 1
    if not o['pii']: empty += 1
    seen = set()
    kn_tokens = {w.lower() for k in o['known_names'] for w in k.split()}
    for kind, s in o['pii']:
        if kind not in KINDS: errors.append(f"{o['id']}: bad kind {kind}")
        if (kind, s) in seen or s in {x for _, x in seen}: errors.append(f"{o['id']}: duplicate label {s!r}")
        seen.add((kind, s))
        c = t.count(s)
        if c == 0: errors.append(f"{o['id']}: {kind} {s!r} not in text"); continue
        # occurrences touching letters/digits on either side (possible part-of-word hit)
        for m in re.finditer(re.escape(s), t):
            a, b = m.start(), m.end()
            if (a > 0 and t[a-1].isalnum() and s[0].isalnum()) or (b < len(t) and t[b].isalnum() and s[-1].isalnum()):
                warns.append(f"{o['id']}: {s!r} occurs inside a longer word at {a}")
        labels[kind] += 1; occ[kind] += c
        if kind == 'NAME':
            toks = [w.strip('.,').lower() for w in s.split()]
            toks = [w for w in toks if w not in TITLES]
            if any(w in kn_tokens for w in toks): known += 1
            else: unseen += 1
    if not isinstance(o['known_names'], list) or not o['known_names']:
        warns.append(f"{o['id']}: no known_names")
exp = [f'Q{i:03d}' for i in range(1, len(ids) + 1)]
if ids != exp: errors.append('ids not sequential Q001..')
print(f'notes: {len(ids)}  without personal detail: {empty}  spanish-ish (heuristic): {spanish}')
print('| kind | labels | occurrences |'); print('|---|---|---|')
for k in KINDS: print(f'| {k} | {labels[k]} | {occ[k]} |')
print(f'| total | {sum(labels.values())} | {sum(occ.values())} |')
tot = known + unseen
if tot: print(f'NAME labels matching known_names: {known} ({100*known/tot:.0f}%), unseen: {unseen} ({100*unseen/tot:.0f}%)')
for w in warns: print('WARN', w)
for e in errors: print('ERROR', e)
sys.exit(1 if errors else 0)
