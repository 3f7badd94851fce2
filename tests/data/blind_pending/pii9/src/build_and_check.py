#!/usr/bin/env python3
"""Convert the hand-written block files (src/b*.txt) to notes.jsonl and validate.
Block format (blank line between blocks):
  @ Known Name; Known Name
  note text on one line (literal \\n = line break)
  KIND|exact substring
"""
import json, re, sys, glob, os
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'notes.jsonl')
KINDS = ['NAME', 'PHONE', 'EMAIL', 'ADDRESS', 'DOB', 'ID']
TITLES = {'mr', 'mrs', 'ms', 'sr', 'sra', 'srta', 'dr', 'doña', 'don', 'aunt', 'auntie', 'grandma', 'tia', 'tía', 'miss'}
notes, errs, warns = [], [], []
for fn in sorted(glob.glob(os.path.join(HERE, 'b*.txt'))):
    raw = open(fn, encoding='utf-8').read().strip('\n')
    for blk in re.split(r'\n\s*\n', raw):
        lines = [l for l in blk.split('\n') if l.strip()]
        if not lines[0].startswith('@'):
            errs.append(f'{fn}: bad block start {lines[0][:40]}'); continue
        known = [k.strip() for k in lines[0][1:].split(';') if k.strip()]
        text = lines[1].replace('\\n', '\n')
        pii, seen = [], set()
        for l in lines[2:]:
            k, _, s = l.partition('|')
            k = k.strip()
            if k not in KINDS: errs.append(f'bad kind {k!r} in {text[:40]}')
            if (k, s) in seen: errs.append(f'dup label {s!r}')
            seen.add((k, s)); pii.append([k, s])
        notes.append({'id': None, 'text': text, 'pii': pii, 'known_names': known, '_src': fn})
for i, n in enumerate(notes, 1):
    n['id'] = f'S{i:03d}'
    for k, s in n['pii']:
        if s not in n['text']:
            errs.append(f"{n['id']}: {k} {s!r} not in text")
            continue
        for m in re.finditer(re.escape(s), n['text']):
            a, b = m.start(), m.end()
            t = n['text']
            if (a > 0 and t[a-1].isalnum() and s[0].isalnum()) or (b < len(t) and t[b].isalnum() and s[-1].isalnum()):
                # inside a longer word: warn unless contained in another label
                if not any(s != s2 and s in s2 for _, s2 in n['pii']):
                    warns.append(f"{n['id']}: {s!r} occurs inside a word: ...{t[max(0,a-10):b+10]!r}")
    if len(n['known_names']) != 2:
        warns.append(f"{n['id']}: known_names={n['known_names']}")
# stats
def tokens(s):
    return [w for w in re.findall(r"[\wÀ-ÿ'-]+", s.lower().replace("'s", '')) if w.strip('.') not in TITLES]
lab = {k: 0 for k in KINDS}; occ = {k: 0 for k in KINDS}
known_hit = unseen = 0; nopii = 0
for n in notes:
    if not n['pii']: nopii += 1
    kt = set(t for kn in n['known_names'] for t in tokens(kn))
    for k, s in n['pii']:
        lab[k] += 1; occ[k] += n['text'].count(s)
        if k == 'NAME':
            if set(tokens(s)) & kt or any(s.lower().rstrip('s') in t for t in kt): known_hit += 1
            else: unseen += 1
with open(OUT, 'w', encoding='utf-8') as f:
    for n in notes:
        f.write(json.dumps({k: n[k] for k in ('id', 'text', 'pii', 'known_names')}, ensure_ascii=False) + '\n')
print('notes', len(notes), 'no-PII', nopii)
print('| kind | labels | occurrences |'); print('|---|---|---|')
for k in KINDS: print(f'| {k} | {lab[k]} | {occ[k]} |')
print(f'| total | {sum(lab.values())} | {sum(occ.values())} |')
# occurrences not nested inside a longer labelled span of the same note
span = {k: 0 for k in KINDS}
for n in notes:
    cov = []
    for k, s in sorted(n['pii'], key=lambda p: -len(p[1])):
        for m in re.finditer(re.escape(s), n['text']):
            if not any(a <= m.start() and m.end() <= b for a, b, _ in cov):
                cov.append((m.start(), m.end(), k)); span[k] += 1
print('non-nested occurrences:', span, 'total', sum(span.values()))
print('NAME known', known_hit, 'unseen', unseen, f'({known_hit/max(1,known_hit+unseen):.0%} known)')
for w in warns: print('WARN', w)
for e in errs: print('ERR', e)
sys.exit(1 if errs else 0)
