"""Time one training step of the course's MLP: hand-written NumPy vs TensorSlow vs tf.compat.v1.

The three run the same math on the same data (float64): a sigmoid hidden
layer, a softmax output, the course's summed cross-entropy, one gradient
descent step. Timings are interleaved (NumPy, TensorSlow, TF, NumPy, ...)
so that machine noise hits all three alike; the median of the repetitions
is reported, with ratios and the targets they are checked against.

    python benchmarks/bench_training_step.py [--repeats 7] [--no-tf] [--system-malloc]

Freed memory is kept in the process for reuse (tensorslow.allocator) for all
three alike unless --system-malloc is given.
"""
import argparse
import os
import statistics
import time

import numpy as np

LR = 1e-4  # small enough that thousands of timed steps stay finite (NaN arithmetic is slow)
# (hidden width, batch, target for TensorSlow/NumPy, target for TF1/TensorSlow)
CASES = [(2, 100, 1.5, 3.0), (64, 256, None, None), (512, 1024, 1.2, None)]


def make_data(hidden, batch, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 2))
    labels = (x[:, 0] * x[:, 1] > 0).astype(int)
    c = np.eye(2)[labels]
    weights = [rng.standard_normal((2, hidden)), rng.standard_normal(hidden),
               rng.standard_normal((hidden, 2)), rng.standard_normal(2)]
    return x, c, weights


def numpy_step(x, c, weights):
    """The graph's math written by hand: forward, backward op by op, update."""
    w1, b1, w2, b2 = weights

    def step():
        nonlocal w1, b1, w2, b2
        h = 1 / (1 + np.exp(-(x @ w1 + b1)))
        a2 = h @ w2 + b2
        e = np.exp(a2 - np.max(a2, axis=1, keepdims=True))
        p = e / np.sum(e, axis=1, keepdims=True)
        loss = -np.sum(np.sum(c * np.log(p), axis=1))
        dp = -c / p
        da2 = (dp - np.sum(dp * p, axis=1, keepdims=True)) * p
        dh = da2 @ w2.T
        da1 = dh * h * (1 - h)
        w1, b1 = w1 - LR * (x.T @ da1), b1 - LR * np.sum(da1, axis=0)
        w2, b2 = w2 - LR * (h.T @ da2), b2 - LR * np.sum(da2, axis=0)
        return loss
    return step


def graph_step(tf, x, c, weights, session_cls):
    """The course's MLP in a TF1-style API (TensorSlow or tf.compat.v1)."""
    graph = tf.Graph()
    with graph.as_default():
        X = tf.placeholder(tf.float64, [None, 2])
        C = tf.placeholder(tf.float64, [None, 2])
        w1, b1, w2, b2 = [tf.Variable(w) for w in weights]
        h = tf.sigmoid(tf.add(tf.matmul(X, w1), b1))
        p = tf.nn.softmax(tf.add(tf.matmul(h, w2), b2))
        loss = tf.negative(tf.reduce_sum(tf.reduce_sum(tf.multiply(C, tf.log(p)), axis=1)))
        train = tf.train.GradientDescentOptimizer(LR).minimize(loss)
        sess = session_cls(graph=graph)
        sess.run(tf.global_variables_initializer())
    feed = {X: x, C: c}
    return lambda: sess.run(train, feed)


def time_per_call(fn, calls):
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-tf", action="store_true", help="skip tf.compat.v1")
    parser.add_argument("--system-malloc", action="store_true",
                        help="leave glibc's malloc as it is (default: tensorslow.allocator.hold_freed_memory() "
                             "for the whole process, so large arrays are not page-faulted in afresh every step)")
    args = parser.parse_args()

    import tensorslow as ts
    if not args.system_malloc:
        ts.allocator.hold_freed_memory()
    print(f"malloc: {ts.allocator.describe()}")
    frameworks = {"numpy": None, "tensorslow": (ts, ts.Session)}
    if not args.no_tf:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf2
        tf1 = tf2.compat.v1
        tf1.disable_eager_execution()
        frameworks["tf1"] = (tf1, tf1.Session)

    print(f"{'model':>10} {'batch':>6} " + " ".join(f"{n:>13}" for n in frameworks)
          + f" {'ts/numpy':>9} {'tf1/ts':>7}")
    failures = []
    for hidden, batch, max_ratio, min_speedup in CASES:
        x, c, weights = make_data(hidden, batch)
        steps = {"numpy": numpy_step(x, c, [w.copy() for w in weights])}
        for name, spec in frameworks.items():
            if spec is not None:
                steps[name] = graph_step(spec[0], x, c, weights, spec[1])
        calls = max(5, int(2000 / (1 + hidden * batch / 2000)))
        for fn in steps.values():  # warm-up: plan building, TF graph optimisation
            time_per_call(fn, max(3, calls // 10))
        samples = {name: [] for name in steps}
        for _ in range(args.repeats):
            for name, fn in steps.items():
                samples[name].append(time_per_call(fn, calls))
        med = {name: statistics.median(s) for name, s in samples.items()}
        ratio = med["tensorslow"] / med["numpy"]
        speedup = med["tf1"] / med["tensorslow"] if "tf1" in med else float("nan")
        print(f"{'2-%d-2' % hidden:>10} {batch:>6} " + " ".join(f"{med[n] * 1e6:>10.1f} us" for n in steps)
              + f" {ratio:>8.2f}x {speedup:>6.2f}x")
        if max_ratio is not None and ratio > max_ratio:
            failures.append(f"2-{hidden}-2 batch {batch}: TensorSlow/NumPy {ratio:.2f}x > {max_ratio}x")
        if min_speedup is not None and "tf1" in med and speedup < min_speedup:
            failures.append(f"2-{hidden}-2 batch {batch}: tf1/TensorSlow {speedup:.2f}x < {min_speedup}x")
    print("targets: TensorSlow <= 1.5x NumPy at 2-2-2/100 and <= 1.2x at 2-512-2/1024; "
          ">= 3x faster than tf1 at 2-2-2/100")
    print("all targets met" if not failures else "targets missed:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
