#!/usr/bin/python3
"""Streaming (left-to-right, bounded-delay) LSTM POS tagger experiments on UD English EWT.

One script, all variants selected by flags. Examples:
  baseline (tutorial):  tagger.py --word-dim 64 --char none --heads 0 --min-count 2 --epochs 10
  char + delay heads:   tagger.py --word-dim 96 --char bilstm --char-hidden 32 --heads 3 ...

Model (all PyTorch-default initialisation):
  x_t  = dropout_in([word_emb(w_t) ; char_feat(chars(w_t))])
  h_t  = LSTM(x_1..x_t)                       (unidirectional, 1 layer)
  head 0 : logits_t     = W0 h_t                 (Linear(H, T))
  head d : logits_t^(d) = Wd [h_t ; h_{t+d}]     (Linear(2H, T), --head-input cat)
                       or Wd h_{t+d}             (Linear(H, T),  --head-input last)
  loss = sum_d mean_{t : t+d < n} NLL(logits_t^(d), y_t)
Decoding at delay D: token t uses head min(D, n-1-t)   (n-t with --eos, since the EOS step exists).
"""
import argparse, collections, json, math, os, random, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_num_threads(1)

# the treebank's folder: $STEPWISE_CORPUS, else the repository's data/ud-english-ewt (see data/README.md)
CORPUS = os.environ.get('STEPWISE_CORPUS',
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'data', 'ud-english-ewt'))
TAGS = ['ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON',
        'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X']
TAG2I = {t: i for i, t in enumerate(TAGS)}


def read_conllu(path):
    sents, cur = [], []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            if line.startswith('#'):
                continue
            c = line.split('\t')
            if '-' in c[0] or '.' in c[0]:
                continue
            cur.append((c[1], c[3]))
    if cur:
        sents.append(cur)
    return sents


def cap_token(w, cap):
    """Keep the first cap/2 and last cap/2 characters of tokens longer than cap (0 = no cap)."""
    if cap and len(w) > cap:
        h = cap // 2
        return w[:h] + w[-(cap - h):]
    return w


class Vocab:
    """Word vocabulary (id 0 = <pad>, 1 = <unk>, 2 = </s>), char vocabulary (0 = pad, 1 = unk-char,
    2 = </s> char) and a table of char-id sequences for every word form the model will meet."""

    def __init__(self, train, min_count, char_min_count, lower, cap):
        self.lower, self.cap = lower, cap
        self.wcount = collections.Counter(self.norm(w) for s in train for w, _ in s)
        self.w2i = {'<pad>': 0, '<unk>': 1, '</s>': 2}
        for w, c in sorted(self.wcount.items(), key=lambda x: (-x[1], x[0])):
            if c >= min_count:
                self.w2i[w] = len(self.w2i)
        ccount = collections.Counter(ch for s in train for w, _ in s for ch in w)
        self.c2i = {'<pad>': 0, '<unk>': 1, '</s>': 2}
        for ch, c in sorted(ccount.items(), key=lambda x: (-x[1], x[0])):
            if c >= char_min_count:
                self.c2i[ch] = len(self.c2i)
        # forms: every surface form (train + eval sets), only used for its characters
        self.f2i = {'</s>': 0}
        self.fchars = [[2]]

    def norm(self, w):
        return w.lower() if self.lower else w

    def wid(self, w):
        return self.w2i.get(self.norm(w), 1)

    def fid(self, w):
        i = self.f2i.get(w)
        if i is None:
            i = self.f2i[w] = len(self.f2i)
            self.fchars.append([self.c2i.get(ch, 1) for ch in cap_token(w, self.cap)])
        return i

    def char_table(self):
        L = max(len(c) for c in self.fchars)
        t = torch.zeros(len(self.fchars), L, dtype=torch.long)
        for i, c in enumerate(self.fchars):
            t[i, :len(c)] = torch.tensor(c)
        lens = torch.tensor([len(c) for c in self.fchars])
        return t, lens


def encode(sents, V):
    out = []
    for s in sents:
        w = torch.tensor([V.wid(x) for x, _ in s])
        f = torch.tensor([V.fid(x) for x, _ in s])
        y = torch.tensor([TAG2I[t] for _, t in s])
        cnt = torch.tensor([V.wcount.get(V.norm(x), 0) for x, _ in s], dtype=torch.float)
        out.append((w, f, y, cnt))
    return out


class CharEncoder(nn.Module):
    def __init__(self, kind, n_chars, char_dim, hidden):
        super().__init__()
        self.kind = kind
        self.emb = nn.Embedding(n_chars, char_dim, padding_idx=0)
        if kind == 'lstm':
            self.rnn = nn.LSTM(char_dim, hidden, batch_first=True)
            self.out_dim = hidden
        elif kind == 'bilstm':
            self.rnn = nn.LSTM(char_dim, hidden, batch_first=True, bidirectional=True)
            self.out_dim = 2 * hidden
        elif kind == 'cnn':
            self.conv = nn.Conv1d(char_dim, hidden, kernel_size=3, padding=1)
            self.out_dim = hidden
        else:
            raise ValueError(kind)

    def forward(self, chars, lens):
        e = self.emb(chars)                                  # [N, L, cd]
        if self.kind == 'cnn':
            c = self.conv(e.transpose(1, 2))                 # [N, h, L]
            mask = torch.arange(chars.size(1))[None, :] < lens[:, None]
            c = c.masked_fill(~mask[:, None, :], -1e4)
            return torch.tanh(c.max(2)[0])
        packed = pack_padded_sequence(e, lens, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.rnn(packed)                         # h: [dirs, N, hidden]
        return torch.cat(list(h), dim=1)


class Tagger(nn.Module):
    def __init__(self, args, n_words, n_chars):
        super().__init__()
        self.args = args
        self.word_emb = nn.Embedding(n_words, args.word_dim, padding_idx=0)
        in_dim = args.word_dim
        self.char = None
        if args.char != 'none':
            self.char = CharEncoder(args.char, n_chars, args.char_dim, args.char_hidden)
            in_dim += self.char.out_dim
        self.in_dim = in_dim
        self.lstm = nn.LSTM(in_dim, args.hidden, batch_first=True)
        H = args.hidden
        self.heads = nn.ModuleList()
        for d in range(args.heads + 1):
            hin = 2 * H if (d > 0 and args.head_input == 'cat') else H
            self.heads.append(nn.Linear(hin, len(TAGS)))
        self.drop_in = nn.Dropout(args.dropout_in)
        self.drop_out = nn.Dropout(args.dropout_out)

    def forward(self, words, forms, lens, char_table, char_lens):
        x = self.word_emb(words)                              # [B, L, wd]
        if self.char is not None:
            # encode each distinct form of the batch once, then scatter back to the tokens
            if self.args.no_dedup:   # timing variant: one char-LSTM run per token occurrence
                uniq, inv = forms, torch.arange(forms.numel()).view(forms.shape)
                uniq = uniq.reshape(-1)
            else:
                uniq, inv = torch.unique(forms, return_inverse=True)
            cl = char_lens[uniq]
            ct = char_table[uniq][:, :int(cl.max())]
            cf = self.char(ct, cl)                            # [U, char_out]
            x = torch.cat([x, cf[inv]], dim=2)
        x = self.drop_in(x)
        packed = pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = pad_packed_sequence(h, batch_first=True)       # [B, L, H] (zeros past the end)
        h = self.drop_out(h)
        L = h.size(1)
        outs = []
        for d, head in enumerate(self.heads):
            if d >= L:
                outs.append(None)
                continue
            if d == 0:
                inp = h
            elif self.args.head_input == 'cat':
                inp = torch.cat([h[:, :L - d], h[:, d:]], dim=2)
            else:
                inp = h[:, d:]
            outs.append(F.log_softmax(head(inp), dim=2))      # [B, L-d, T]: row t = token t
        return outs


def make_batch(items, eos):
    B = len(items)
    n = [len(it[0]) for it in items]
    L = max(n) + (1 if eos else 0)
    words = torch.zeros(B, L, dtype=torch.long)
    forms = torch.zeros(B, L, dtype=torch.long)
    ys = torch.full((B, L), -1, dtype=torch.long)
    cnts = torch.zeros(B, L)
    for i, (w, f, y, c) in enumerate(items):
        k = len(w)
        words[i, :k] = w
        forms[i, :k] = f
        ys[i, :k] = y
        cnts[i, :k] = c
        if eos:
            words[i, k] = 2
            forms[i, k] = 0
    lens = torch.tensor(n) + (1 if eos else 0)
    return words, forms, ys, cnts, lens, torch.tensor(n)


def head_targets(ys, ntok, d, eos):
    """Targets for head d: row t predicts y_t, valid if step t+d exists (t+d < n, or <= n with EOS)."""
    L = ys.size(1)
    t = torch.arange(L - d)[None, :]
    limit = ntok[:, None] - d + (1 if eos else 0)
    tgt = ys[:, :L - d].clone()
    tgt[t >= limit] = -1
    return tgt


def evaluate(model, data, V, ct, cl, args, bs=256):
    model.eval()
    D = args.heads
    res = {'n': 0, 'known_n': 0, 'unk_n': 0}
    for dl in range(4):
        res[f'c{dl}'] = res[f'k{dl}'] = res[f'u{dl}'] = 0
    with torch.no_grad():
        for i in range(0, len(data), bs):
            items = data[i:i + bs]
            words, forms, ys, _, lens, ntok = make_batch(items, args.eos)
            outs = model(words, forms, lens, ct, cl)
            preds = [o.argmax(2) if o is not None else None for o in outs]
            for b, (w, f, y, c) in enumerate(items):
                n = len(w)
                unk = (w == 1)
                res['n'] += n
                res['unk_n'] += int(unk.sum())
                res['known_n'] += n - int(unk.sum())
                for dl in range(4):
                    p = torch.empty(n, dtype=torch.long)
                    q = torch.empty(n, dtype=torch.long)
                    for t in range(n):
                        avail = n - t if args.eos else n - 1 - t
                        p[t] = preds[min(dl, D, avail)][b, t]
                        q[t] = preds[min(dl, D, n - 1 - t)][b, t]   # ignoring the EOS step
                    ok = (p == y)
                    res[f'c{dl}'] += int(ok.sum())
                    res[f'u{dl}'] += int((ok & unk).sum())
                    res[f'k{dl}'] += int((ok & ~unk).sum())
                    res[f'noeos{dl}'] = res.get(f'noeos{dl}', 0) + int((q == y).sum())
    acc = {}
    for dl in range(4):
        acc[f'D{dl}'] = res[f'c{dl}'] / res['n']
        acc[f'D{dl}_known'] = res[f'k{dl}'] / max(1, res['known_n'])
        acc[f'D{dl}_unk'] = res[f'u{dl}'] / max(1, res['unk_n'])
        if args.eos:
            acc[f'D{dl}_noeos'] = res[f'noeos{dl}'] / res['n']
    acc['unk_rate'] = res['unk_n'] / res['n']
    model.train()
    return acc


def macs_per_token(args, model, avg_chars, uniq_ratio):
    """Forward multiply-adds per token (matrix products only)."""
    H = args.hidden
    m = (model.in_dim + H) * 4 * H
    heads = sum(h.in_features * h.out_features for h in model.heads)
    char = 0
    if model.char is not None:
        ch = args.char_hidden
        if args.char in ('lstm', 'bilstm'):
            dirs = 2 if args.char == 'bilstm' else 1
            char = dirs * avg_chars * (args.char_dim + ch) * 4 * ch
        else:
            char = avg_chars * 3 * args.char_dim * ch
    stream = m + max(h.in_features for h in model.heads) * len(TAGS)
    return {'word_lstm': m, 'heads': heads, 'char_per_token': char,
            'char_per_token_dedup': char * uniq_ratio,
            'train_fwd_total_nodedup': m + heads + char,
            'stream_step_known': stream}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--name', default='run')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--word-dim', type=int, default=64)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--char', default='none', choices=['none', 'lstm', 'bilstm', 'cnn'])
    ap.add_argument('--char-dim', type=int, default=24)
    ap.add_argument('--char-hidden', type=int, default=32)
    ap.add_argument('--char-min-count', type=int, default=5)
    ap.add_argument('--cap', type=int, default=20, help='token length cap (first cap/2 + last cap/2), 0=none')
    ap.add_argument('--lower', action='store_true', help='lowercase the word-embedding key')
    ap.add_argument('--min-count', type=int, default=2)
    ap.add_argument('--word-dropout', type=float, default=0.0, help='prob. of replacing a train word by <unk>')
    ap.add_argument('--wd-alpha', type=float, default=0.0,
                    help='frequency-based word dropout: replace with prob alpha/(alpha+count)')
    ap.add_argument('--dropout-in', type=float, default=0.0)
    ap.add_argument('--dropout-out', type=float, default=0.0)
    ap.add_argument('--heads', type=int, default=0, help='max delay head (0 = single head)')
    ap.add_argument('--head-input', default='cat', choices=['cat', 'last'])
    ap.add_argument('--eos', action='store_true', help='feed an </s> step after the sentence')
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=0.002)
    ap.add_argument('--lr-final', type=float, default=None, help='linear decay to this lr at the end')
    ap.add_argument('--clip', type=float, default=0.0)
    ap.add_argument('--eval-every', type=int, default=1)
    ap.add_argument('--max-batches', type=int, default=0, help='timing only: stop epoch after N batches')
    ap.add_argument('--save', default='')
    ap.add_argument('--no-dedup', action='store_true',
                    help='encode characters once per token occurrence instead of once per distinct form per batch')
    args = ap.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    train_s = read_conllu(f'{CORPUS}/en_ewt-ud-train.conllu')
    dev_s = read_conllu(f'{CORPUS}/en_ewt-ud-dev.conllu')
    V = Vocab(train_s, args.min_count, args.char_min_count, args.lower, args.cap)
    train = encode(train_s, V)
    dev = encode(dev_s, V)
    ct, cl = V.char_table()
    model = Tagger(args, len(V.w2i), len(V.c2i))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    nparams = sum(p.numel() for p in model.parameters())
    ntr = sum(len(x[0]) for x in train)
    avg_chars = sum(len(cap_token(w, args.cap)) for s in train_s for w, _ in s) / ntr
    print(f'# {args.name}: vocab {len(V.w2i)} chars {len(V.c2i)} params {nparams} '
          f'train tokens {ntr}', flush=True)
    print('# state_dict:', {k: tuple(v.shape) for k, v in model.state_dict().items()}, flush=True)

    steps_per_epoch = math.ceil(len(train) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    step = 0
    epoch_times, cpu_times, log = [], [], []
    uniq_tokens = [0, 0]
    for ep in range(1, args.epochs + 1):
        order = list(range(len(train)))
        random.shuffle(order)
        t0, c0 = time.time(), time.process_time()
        tot_loss, nb = 0.0, 0
        for bi in range(0, len(order), args.batch):
            if args.max_batches and nb >= args.max_batches:
                break
            if args.lr_final is not None:
                lr = args.lr + (args.lr_final - args.lr) * step / total_steps
                for g in opt.param_groups:
                    g['lr'] = lr
            items = [train[j] for j in order[bi:bi + args.batch]]
            words, forms, ys, cnts, lens, ntok = make_batch(items, args.eos)
            if args.word_dropout > 0 or args.wd_alpha > 0:
                p = torch.full(words.shape, args.word_dropout)
                if args.wd_alpha > 0:
                    p = torch.maximum(p, args.wd_alpha / (args.wd_alpha + cnts))
                drop = (torch.rand(words.shape) < p) & (ys >= 0)
                words = words.masked_fill(drop, 1)
            if ep == 1 and args.char != 'none':
                valid = ys >= 0
                uniq_tokens[0] += len(torch.unique(forms[valid]))
                uniq_tokens[1] += int(valid.sum())
            outs = model(words, forms, lens, ct, cl)
            loss = 0.0
            for d, o in enumerate(outs):
                if o is None:
                    continue
                tgt = head_targets(ys, ntok, d, args.eos)
                if (tgt >= 0).any():
                    loss = loss + F.nll_loss(o.reshape(-1, o.size(2)), tgt.reshape(-1), ignore_index=-1)
            opt.zero_grad()
            loss.backward()
            if args.clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            tot_loss += float(loss)
            nb += 1
            step += 1
        dt, dc = time.time() - t0, time.process_time() - c0
        epoch_times.append(dt)
        cpu_times.append(dc)
        line = {'epoch': ep, 'sec': round(dt, 1), 'cpu': round(dc, 1), 'loss': round(tot_loss / nb, 4)}
        if (args.max_batches == 0 or args.save) and (ep % args.eval_every == 0 or ep == args.epochs):
            acc = evaluate(model, dev, V, ct, cl, args)
            line.update({k: round(v, 4) for k, v in acc.items()})
        log.append(line)
        print(json.dumps(line), flush=True)
    uniq_ratio = uniq_tokens[0] / uniq_tokens[1] if uniq_tokens[1] else 1.0
    cost = macs_per_token(args, model, avg_chars, uniq_ratio)
    summary = {'name': args.name, 'args': vars(args), 'params': nparams,
               'sec_per_epoch': round(sum(epoch_times) / len(epoch_times), 2),
               'total_sec': round(sum(epoch_times), 1),
               'cpu_per_epoch': round(sum(cpu_times) / len(cpu_times), 2), 'total_cpu': round(sum(cpu_times), 1),
               'batches_per_epoch': nb, 'final': log[-1], 'macs': cost,
               'avg_chars': avg_chars, 'uniq_ratio': uniq_ratio}
    print('# SUMMARY', json.dumps(summary), flush=True)
    os.makedirs('results', exist_ok=True)
    with open(f'results/{args.name}.json', 'w') as f:
        json.dump({'summary': summary, 'log': log}, f, indent=1)
    if args.save:
        torch.save(model.state_dict(), args.save)


if __name__ == '__main__':
    main()
