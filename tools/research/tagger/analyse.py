#!/usr/bin/python3
"""Error analysis of a saved model: which dev tokens does delay 0 get wrong that delay 2 gets right."""
import argparse, collections, json, sys
import torch
import tagger as T
torch.set_num_threads(1)
res = json.load(open(sys.argv[1])); a = argparse.Namespace(**res['summary']['args'])
sd = torch.load(sys.argv[2])
tr = T.read_conllu(f'{T.CORPUS}/en_ewt-ud-train.conllu'); dv = T.read_conllu(f'{T.CORPUS}/en_ewt-ud-dev.conllu')
V = T.Vocab(tr, a.min_count, a.char_min_count, a.lower, a.cap)
T.encode(tr, V); dev = T.encode(dv, V); ct, cl = V.char_table()
m = T.Tagger(a, len(V.w2i), len(V.c2i)); m.load_state_dict(sd); m.eval()
fix, brk, conf0 = collections.Counter(), collections.Counter(), collections.Counter()
with torch.no_grad():
    for i in range(0, len(dev), 256):
        items = dev[i:i + 256]
        w, f, y, _, lens, n = T.make_batch(items, a.eos)
        outs = [o.argmax(2) for o in m(w, f, lens, ct, cl)]
        for b, it in enumerate(items):
            k = len(it[0])
            for t in range(k):
                p0 = int(outs[0][b, t]); p2 = int(outs[min(2, k - t)][b, t]); g = int(it[2][t])
                word = dv[i + b][t][0]
                if p0 != g:
                    conf0[(T.TAGS[g], T.TAGS[p0])] += 1
                if p0 != g and p2 == g: fix[word.lower()] += 1
                if p0 == g and p2 != g: brk[word.lower()] += 1
print('D0 errors fixed by D2:', sum(fix.values()), ' D0-correct broken by D2:', sum(brk.values()))
print('top fixed words:', fix.most_common(25))
print('top D0 confusions (gold, pred):', conf0.most_common(12))
