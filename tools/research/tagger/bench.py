#!/usr/bin/python3
"""Paired speed benchmark (1 thread): baseline vs candidate configs, training steps (forward, backward,
Adam) on the same sentences, alternating A/B/C in rounds so that machine load hits all alike.
Reports min and median seconds per batch and the implied seconds per epoch (392 batches of 32).

usage: bench.py [rounds] [batches_per_round]
"""
import argparse, random, statistics, sys, time
import torch
import torch.nn.functional as F

import tagger as T

torch.set_num_threads(1)

BASE = dict(word_dim=64, char='none', char_dim=24, char_hidden=32, hidden=128, heads=0, head_input='cat',
            dropout_in=0.0, dropout_out=0.0, eos=False, min_count=2, lower=False, no_dedup=False,
            wd_alpha=0.0, word_dropout=0.0, clip=0.0)
REC = dict(BASE, word_dim=96, char='bilstm', char_hidden=30, heads=3, dropout_in=0.33, dropout_out=0.33,
           eos=True, min_count=1, lower=True, wd_alpha=0.25, word_dropout=0.05, clip=5.0)
CONFIGS = {'baseline': BASE, 'recipe': REC, 'recipe_nodedup': dict(REC, no_dedup=True)}


def setup(cfg, train_s, idx):
    a = argparse.Namespace(**cfg)
    V = T.Vocab(train_s, a.min_count, 5, a.lower, 20)
    data = T.encode([train_s[i] for i in idx], V)
    ct, cl = V.char_table()
    torch.manual_seed(1)
    m = T.Tagger(a, len(V.w2i), len(V.c2i))
    opt = torch.optim.Adam(m.parameters(), lr=0.002)
    return a, data, ct, cl, m, opt


def steps(a, data, ct, cl, m, opt, nb):
    t0 = time.perf_counter()
    for b in range(nb):
        items = data[b * 32:(b + 1) * 32]
        words, forms, ys, cnts, lens, ntok = T.make_batch(items, a.eos)
        if a.wd_alpha > 0 or a.word_dropout > 0:
            p = torch.maximum(torch.full(words.shape, a.word_dropout), a.wd_alpha / (a.wd_alpha + cnts))
            words = words.masked_fill((torch.rand(words.shape) < p) & (ys >= 0), 1)
        outs = m(words, forms, lens, ct, cl)
        loss = 0.0
        for d, o in enumerate(outs):
            if o is not None:
                tgt = T.head_targets(ys, ntok, d, a.eos)
                loss = loss + F.nll_loss(o.reshape(-1, o.size(2)), tgt.reshape(-1), ignore_index=-1)
        opt.zero_grad()
        loss.backward()
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(m.parameters(), a.clip)
        opt.step()
    return (time.perf_counter() - t0) / nb


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    nb = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    train_s = T.read_conllu(f'{T.CORPUS}/en_ewt-ud-train.conllu')
    random.seed(0)
    idx = random.sample(range(len(train_s)), 32 * nb)
    st = {k: setup(c, train_s, idx) for k, c in CONFIGS.items()}
    for k in st:
        steps(*st[k], 2)   # warm-up
    times = {k: [] for k in st}
    for r in range(rounds):
        for k in st:
            times[k].append(steps(*st[k], nb))
        print('round', r, {k: round(v[-1], 4) for k, v in times.items()}, flush=True)
    b_min, b_med = min(times['baseline']), statistics.median(times['baseline'])
    for k, v in times.items():
        print(f'{k:16s} s/batch min {min(v):.4f} median {statistics.median(v):.4f} -> s/epoch(392) min '
              f'{392 * min(v):.1f} median {392 * statistics.median(v):.1f}; ratio to baseline: min '
              f'{min(v) / b_min:.2f} median {statistics.median(v) / b_med:.2f}; per-round ratios '
              f'{[round(x / y, 2) for x, y in zip(v, times["baseline"])]}')


if __name__ == '__main__':
    main()
