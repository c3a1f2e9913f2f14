#!/usr/bin/python3
"""Reference streaming decoder: one LSTM step per arriving token, tags emitted at delay D.

Loads a model saved by tagger.py (--save) plus its results/<name>.json (for the flags), rebuilds
the vocabulary from train exactly as training did, and decodes dev token by token with explicit
LSTM-cell arithmetic (the same equations a Java implementation would use). Checks that the
streamed accuracy equals the batched evaluation, and reports what the token-length cap costs.

usage: stream.py results/r03_full18.json r03.pt
"""
import json, sys, time
import torch

import tagger as T

torch.set_num_threads(1)


def lstm_step(x, h, c, W_ih, W_hh, b):
    """PyTorch LSTM cell: gates = W_ih x + W_hh h + (b_ih + b_hh), order i, f, g, o."""
    g = W_ih @ x + W_hh @ h + b
    H = h.numel()
    i, f, gg, o = torch.sigmoid(g[:H]), torch.sigmoid(g[H:2 * H]), torch.tanh(g[2 * H:3 * H]), torch.sigmoid(g[3 * H:])
    c = f * c + i * gg
    return o * torch.tanh(c), c


def char_feature(sd, ids):
    """Bidirectional char LSTM = forward LSTM over the chars + a second LSTM over the reversed chars;
    the feature is [h_fwd_last ; h_bwd_last]."""
    E = sd['char.emb.weight']
    out = []
    for suf, seq in (('', ids), ('_reverse', ids[::-1])):
        Wi, Wh = sd['char.rnn.weight_ih_l0' + suf], sd['char.rnn.weight_hh_l0' + suf]
        b = sd['char.rnn.bias_ih_l0' + suf] + sd['char.rnn.bias_hh_l0' + suf]
        h = torch.zeros(Wh.size(1))
        c = torch.zeros(Wh.size(1))
        for ch in seq:
            h, c = lstm_step(E[ch], h, c, Wi, Wh, b)
        out.append(h)
    return torch.cat(out)


def main():
    res = json.load(open(sys.argv[1]))
    a = res['summary']['args']
    sd = torch.load(sys.argv[2])
    train_s = T.read_conllu(f'{T.CORPUS}/en_ewt-ud-train.conllu')
    dev_s = T.read_conllu(f'{T.CORPUS}/en_ewt-ud-dev.conllu')
    V = T.Vocab(train_s, a['min_count'], a['char_min_count'], a['lower'], a['cap'])
    D = a['heads']
    Wi, Wh = sd['lstm.weight_ih_l0'], sd['lstm.weight_hh_l0']
    b = sd['lstm.bias_ih_l0'] + sd['lstm.bias_hh_l0']
    heads = [(sd[f'heads.{d}.weight'], sd[f'heads.{d}.bias']) for d in range(D + 1)]
    cache = {}

    def feat(form, wid):
        x = sd['word_emb.weight'][wid]
        if a['char'] == 'bilstm':
            key = form
            if key not in cache:   # in deployment: precomputed for vocabulary words
                ids = [2] if form is None else [V.c2i.get(ch, 1) for ch in T.cap_token(form, a['cap'])]
                cache[key] = char_feature(sd, ids)
            x = torch.cat([x, cache[key]])
        return x

    def head(d, ht, htd):
        W, bb = heads[d]
        inp = ht if d == 0 else (torch.cat([ht, htd]) if a['head_input'] == 'cat' else htd)
        return int((W @ inp + bb).argmax())

    correct = [0] * 4
    n_all = 0
    long_tok = [0, 0]
    t0 = time.time()
    with torch.no_grad():
        for sent in dev_s:
            words = [w for w, _ in sent]
            gold = [T.TAG2I[t] for _, t in sent]
            n = len(words)
            hs = []
            h = torch.zeros(Wh.size(1))
            c = torch.zeros(Wh.size(1))
            preds = {dl: [None] * n for dl in range(4)}
            steps = [(w, V.wid(w)) for w in words] + ([(None, 2)] if a['eos'] else [])
            for s, (form, wid) in enumerate(steps):
                h, c = lstm_step(feat(form, wid), h, c, Wi, Wh, b)
                hs.append(h)
                # emit: for each delay dl, the token t = s - dl is now due (head min(dl, D))
                for dl in range(4):
                    t = s - min(dl, D)
                    if 0 <= t < n and preds[dl][t] is None and s < n:
                        preds[dl][t] = head(s - t, hs[t], h)
                if form is None or (not a['eos'] and s == n - 1):
                    # sentence end: flush every waiting token with the largest head available
                    for dl in range(4):
                        for t in range(n):
                            if preds[dl][t] is None:
                                d = min(dl, D, s - t)
                                preds[dl][t] = head(d, hs[t], hs[t + d])
            for dl in range(4):
                correct[dl] += sum(int(p == g) for p, g in zip(preds[dl], gold))
            for w, p, g in zip(words, preds[2], gold):
                if len(w) > a['cap'] > 0:
                    long_tok[0] += 1
                    long_tok[1] += int(p == g)
            n_all += n
    print('streamed dev accuracy:', {f'D{dl}': round(correct[dl] / n_all, 4) for dl in range(4)})
    print('batched  dev accuracy:', {k: v for k, v in res['summary']['final'].items() if k in ('D0', 'D1', 'D2', 'D3')})
    print(f'dev tokens longer than cap={a["cap"]}: {long_tok[0]} ({100 * long_tok[0] / n_all:.2f}%), '
          f'D2 correct on them: {long_tok[1]}')
    print(f'{time.time() - t0:.0f}s')


if __name__ == '__main__':
    main()
