#!/usr/bin/python3
"""PyTorch side of the Stepwise benchmark table (benchmarks/run.sh).

Times, on one thread, what the JMH benchmarks time on the Java side: one nn.LSTMCell step under
torch.no_grad() at batch 1 and at batch 256, a large sgemm, and one training epoch of the
notebook's running-sum regressor (n = 1000 sequences of length 2, LSTM(1, 64) -> Linear, Adam),
both the notebook's own loop (one sequence at a time) and a mini-batched loop; and one streaming
tagger step per element (io.stepwise.bench.TaggerStepBenchmark) for a known and an unknown word.

Prints one JSON object per line: {"benchmark": ..., "shape": ..., "us": microseconds per op}.
The benchmark names match io.stepwise.bench.BenchTable's rows.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SEQUENCES = 1000
LENGTH = 2
HIDDEN = 64
EPOCH_BATCHES = (50, 100)  # as io.stepwise.bench.SumEpochBenchmark: 20 or 10 steps make the 1000 sequences
LEARNING_RATE = 1e-3
CLIP_NORM = 1.0
SCALE = 100.0
STEP_BATCH = 256    # as io.stepwise.bench.BatchStepBenchmark.BATCH

# as io.stepwise.bench.TaggerStepBenchmark: a 10,000-word vocabulary of random lower-case words, 17 tags;
# "words" is the word-only EWT-size tagger, "streaming" the default recipe's shape (TaggerTrainer.streamingRecipe)
TAGGER_VOCABULARY = 10_000
TAGGER_WORDS = 1024
TAGS = 17
TAGGER_SHAPES = {
    #            embedding, char dim, char hidden, hidden, delay
    "words": (64, 0, 0, 128, 0),
    "streaming": (96, 24, 30, 128, 2),
}


def per_op_us(fn, ops_per_call, rounds, min_seconds):
    """The fastest round's mean time per op; each round runs fn until min_seconds pass. Other work
    on a shared machine only slows a round down, so the fastest is the closest to undisturbed
    (BenchTable takes JMH's fastest iteration likewise)."""
    results = []
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        results.append(elapsed / (calls * ops_per_call) * 1e6)
    return min(results)


def step_fn(input_size, hidden, batch):
    torch.manual_seed(1)
    cell = nn.LSTMCell(input_size, hidden)
    inputs = 64
    xs = torch.rand(inputs, batch, input_size) * 2 - 1
    state = [torch.zeros(batch, hidden), torch.zeros(batch, hidden)]

    def run():
        # a block of steps per call keeps Python's timing loop out of the per-step figure
        with torch.no_grad():
            h, c = state
            for t in range(inputs):
                h, c = cell(xs[t], (h, c))
            state[0], state[1] = h, c
    return run, inputs


def sgemm_fn(size):
    torch.manual_seed(3)
    a = torch.rand(size, size)
    b = torch.rand(size, size)
    out = torch.empty(size, size)

    def run():
        torch.mm(a, b, out=out)
    return run, 1


class LSTMRegression(nn.Module):
    """The notebook's model: LSTM(1, H) -> Linear(H, 1) on the hidden state."""

    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, x):  # x: [T, B, 1]
        out, _ = self.lstm(x)
        return self.linear(out).squeeze(-1)  # [T, B]


def sum_data(seed):
    g = torch.Generator().manual_seed(seed)
    values = torch.randint(-100, 100, (SEQUENCES, LENGTH), generator=g).float()
    return values / SCALE, torch.cumsum(values, dim=1) / SCALE


def notebook_epoch_fn():
    torch.manual_seed(7)
    model = LSTMRegression(HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.MSELoss()
    xs, sums = sum_data(8)

    def run():
        # the notebook's loop: one sequence, one loss on its final sum, one step at a time
        for i in range(SEQUENCES):
            opt.zero_grad()
            pred = model(xs[i].view(LENGTH, 1, 1))[-1]
            loss = loss_fn(pred, sums[i, -1].view(1))
            loss.backward()
            opt.step()
    return run, 1


def batched_epoch_fn(batch):
    torch.manual_seed(7)
    model = LSTMRegression(HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.MSELoss()
    xs, sums = sum_data(8)
    x_seq_first = xs.t().unsqueeze(-1).contiguous()  # [T, N, 1]
    targets = sums.t().contiguous()                  # [T, N]

    def run():
        # as Stepwise trains: mini-batches, a loss on every step's running sum, clipping
        for start in range(0, SEQUENCES, batch):
            opt.zero_grad()
            pred = model(x_seq_first[:, start:start + batch])
            loss = loss_fn(pred, targets[:, start:start + batch])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
            opt.step()
    return run, 1


class StreamingTagger(nn.Module):
    """The tagger of lstm-core/src/test/resources/fixtures/make_char_tagger.py, stepped one word at
    a time as the streaming job steps it: the word's features (its embedding; with characters, the
    cached encoding of a vocabulary word or the character BiLSTM over an unknown one), one LSTMCell
    step, the tag at once, and for a delay D the final tag of the word D back from [h_t-D ; h_t]."""

    def __init__(self, vocabulary, embedding, char_dim, char_hidden, hidden, delay):
        super().__init__()
        self.word_embeddings = nn.Embedding(len(vocabulary) + 1, embedding)  # + <unk>, last
        self.chars = char_dim > 0
        width = embedding
        if self.chars:
            self.char_embeddings = nn.Embedding(27, char_dim)  # a-z and the unknown character
            self.char_lstm = nn.LSTM(char_dim, char_hidden, bidirectional=True)
            width += 2 * char_hidden
        self.cell = nn.LSTMCell(width, hidden)
        self.hidden2tag = nn.Linear(hidden, TAGS)
        self.delay = delay
        self.delayed2tag = nn.Linear(2 * hidden, TAGS) if delay > 0 else None
        self.index = {w: i for i, w in enumerate(vocabulary)}
        self.unknown = len(vocabulary)
        with torch.no_grad():
            # what Stepwise does when a version loads: every vocabulary word's character encoding, once
            self.cache = torch.stack([self.encode(w) for w in vocabulary]) if self.chars else None

    def encode(self, word):
        ids = torch.tensor([ord(c) - ord("a") if "a" <= c <= "z" else 26 for c in word[:20]])
        _, (h_n, _) = self.char_lstm(self.char_embeddings(ids).unsqueeze(1))
        return torch.cat([h_n[0, 0], h_n[1, 0]])

    def step(self, word, state, recent):
        i = self.index.get(word, self.unknown)
        x = self.word_embeddings.weight[i]
        if self.chars:
            x = torch.cat([x, self.cache[i] if i != self.unknown else self.encode(word)])
        h, c = self.cell(x.unsqueeze(0), state)
        now = int(F.log_softmax(self.hidden2tag(h[0]), dim=0).argmax())
        final = now
        if self.delay > 0:
            final = int(F.log_softmax(self.delayed2tag(torch.cat([recent[0], h[0]])), dim=0).argmax())
            recent.pop(0)
            recent.append(h[0])
        return (h, c), now + final


def random_word(g, length):
    return "".join(chr(ord("a") + int(k)) for k in torch.randint(0, 26, (length,), generator=g))


def tagger_step_fn(shape, known):
    torch.manual_seed(2)
    g = torch.Generator().manual_seed(1)
    vocabulary = []
    seen = set()
    while len(vocabulary) < TAGGER_VOCABULARY:
        w = random_word(g, 3 + int(torch.randint(0, 8, (1,), generator=g)))
        if w not in seen:
            seen.add(w)
            vocabulary.append(w)
    embedding, char_dim, char_hidden, hidden, delay = TAGGER_SHAPES[shape]
    model = StreamingTagger(vocabulary, embedding, char_dim, char_hidden, hidden, delay).eval()
    words = [vocabulary[int(torch.randint(0, TAGGER_VOCABULARY, (1,), generator=g))] if known
             else random_word(g, 12) + "q" + str(i) for i in range(TAGGER_WORDS)]
    state = [(torch.zeros(1, hidden), torch.zeros(1, hidden))]
    recent = [torch.zeros(hidden) for _ in range(delay)]

    def run():
        with torch.no_grad():
            s = state[0]
            for w in words:
                s, _ = model.step(w, s, recent)
            state[0] = s
    return run, TAGGER_WORDS


def loaded_blas():
    """The BLAS library this process actually mapped: Debian's torch takes whatever libblas.so.3
    points to (the reference BLAS unless OpenBLAS or BLIS is installed), which decides its sgemm."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps
                if "blas" in line.lower() and "lapack" not in line.lower() and "/" in line}
    return ", ".join(sorted(libs)) or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (smoke run)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rounds, seconds = (2, 0.3) if args.quick else (5, 1.0)
    epoch_rounds = 2 if args.quick else 5

    blas = loaded_blas()

    def emit(benchmark, shape, us):
        print(json.dumps({"benchmark": benchmark, "shape": shape, "us": us, "torch": torch.__version__,
                          "threads": torch.get_num_threads(), "blas": blas}), flush=True)

    for input_size, hidden in ((1, 64), (64, 128)):
        shape = f"{input_size}x{hidden}"
        for name, batch in (("step", 1), ("stepBatch", STEP_BATCH)):
            fn, ops = step_fn(input_size, hidden, batch)
            fn()  # warm-up
            emit(name, shape, per_op_us(fn, ops, rounds, seconds))

    fn, ops = sgemm_fn(1024)
    fn()
    emit("sgemm", "1024", per_op_us(fn, ops, rounds, seconds))

    for shape in TAGGER_SHAPES:
        for word in ("known", "unknown"):
            fn, ops = tagger_step_fn(shape, word == "known")
            fn()  # warm-up
            emit("taggerStep", f"{shape}_{word}", per_op_us(fn, ops, rounds, seconds))

    epochs = [("batchedEpoch", f"n1000_len2_h64_b{b}", lambda b=b: batched_epoch_fn(b)) for b in EPOCH_BATCHES]
    epochs.append(("notebookEpoch", "n1000_len2_h64", notebook_epoch_fn))
    for name, shape, make in epochs:
        fn, ops = make()
        fn()  # warm-up epoch
        emit(name, shape, per_op_us(fn, ops, epoch_rounds, 0))


if __name__ == "__main__":
    main()
