#!/usr/bin/python3
"""PyTorch side of the Stepwise benchmark table (benchmarks/run.sh).

Times, on one thread, what the JMH benchmarks time on the Java side: one nn.LSTMCell step under
torch.no_grad() at batch 1 and at batch 256, a large sgemm, and one training epoch of the
notebook's running-sum regressor (n = 1000 sequences of length 2, LSTM(1, 64) -> Linear, Adam),
both the notebook's own loop (one sequence at a time) and a mini-batched loop.

Prints one JSON object per line: {"benchmark": ..., "shape": ..., "us": microseconds per op}.
The benchmark names match io.stepwise.bench.BenchTable's rows.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

SEQUENCES = 1000
LENGTH = 2
HIDDEN = 64
EPOCH_BATCHES = (50, 100)  # as io.stepwise.bench.SumEpochBenchmark: 20 or 10 steps make the 1000 sequences
LEARNING_RATE = 1e-3
CLIP_NORM = 1.0
SCALE = 100.0
STEP_BATCH = 256    # as io.stepwise.bench.BatchStepBenchmark.BATCH


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

    epochs = [("batchedEpoch", f"n1000_len2_h64_b{b}", lambda b=b: batched_epoch_fn(b)) for b in EPOCH_BATCHES]
    epochs.append(("notebookEpoch", "n1000_len2_h64", notebook_epoch_fn))
    for name, shape, make in epochs:
        fn, ops = make()
        fn()  # warm-up epoch
        emit(name, shape, per_op_us(fn, ops, epoch_rounds, 0))


if __name__ == "__main__":
    main()
