"""NumPy baseline for bench/steps.bench.ts.

Usage: python3 bench/steps_numpy.py <input.json>

Reads the fixtures written by steps.bench.ts (data, initial weights, eta, activation), runs
gradient descent on a deep linear or ReLU network with the logistic loss,
W_k <- W_k - eta * dR/dW_k, R(W) = (1/n) sum_i l(y_i f(x_i)), in three ways that
compute the same update, and prints one JSON object on stdout:

  backprop    batched backprop: A_k = A_{k-1} W_k^T, delta_L = l'(m) y / n,
              G_k = delta_k^T A_{k-1}, delta_{k-1} = delta_k W_k
  e2e-prefix  what src/trainer/gradient.ts does for linear nets: prefix products
              P_k = W_k ... W_1, E = (1/n) sum l'(m_i) y_i x_i^T, backward sweep
              H_L = E, G_k = H_k P_{k-1}^T, H_{k-1} = W_k^T H_k
  e2e-vector  the same G_k = A_k^T E B_k^T associated the cheap way when d_L is
              small: suffix rows A_k = W_L ... W_{k+1} (d_L x d_k) and
              V_k = B_k E^T = W_{k-1} ... W_1 E^T (d_{k-1} x d_L), G_k = A_k^T V_k^T;
              O(d_L sum d_k d_{k-1}) instead of O(d_0 sum d_k d_{k-1})

A ReLU net has only `backprop` (the end-to-end forms hold for linear nets only);
its hidden layers apply max(z, 0) and multiply delta by [z >= 0], as
src/network/activation.ts does.

Each variant does only what the update needs (no per-step risk, no finiteness
check), so it does no more work than the TypeScript trainer. Timing follows
bench/measureRate.ts: doubling warm-up, then `repetitions` runs of ~`seconds`.

steps.bench.ts runs this with OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1 (one
thread, like the trainer) and with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed,
so OpenBLAS picks its own fastest kernel for the CPU; the report names that
kernel (threadpoolctl when installed, else OpenBLAS's own get_corename).
"""

import ctypes
import glob
import json
import os
import sys
import time

import numpy as np


def logistic_derivative(m):
    # l'(u) = -1/(1 + e^u), written as src/losses/logistic.ts does so both sides round alike:
    # u >= 0: -e^{-u}/(1 + e^{-u});  u < 0: -1/(1 + e^{u});  e = e^{-|u|} covers both.
    e = np.exp(-np.abs(m))
    return -np.where(m >= 0, e, 1.0) / (1.0 + e)


class Problem:
    def __init__(self, spec):
        self.x = np.array(spec["x"], dtype=np.float64)
        self.y = np.array(spec["y"], dtype=np.float64)
        self.n = self.x.shape[0]
        self.y_over_n = self.y * (1.0 / self.n)
        self.eta = float(spec["eta"])
        self.initial = [np.array(w, dtype=np.float64) for w in spec["weights"]]
        self.relu = spec.get("activation", "linear") == "relu"


def grads_backprop(p, ws):
    acts = [p.x]
    masks = []
    a = p.x
    last = len(ws) - 1
    for k, w in enumerate(ws):
        a = a @ w.T
        if p.relu and k < last:
            mask = a >= 0
            a = a * mask
            masks.append(mask)
        acts.append(a)
    m = p.y * a[:, 0]
    delta = (logistic_derivative(m) * p.y_over_n)[:, None]  # n x d_L
    grads = [None] * len(ws)
    for k in range(len(ws) - 1, -1, -1):
        grads[k] = delta.T @ acts[k]
        if k > 0:
            delta = delta @ ws[k]
            if p.relu:
                delta = delta * masks[k - 1]
    return grads


def grads_e2e_prefix(p, ws):
    L = len(ws)
    prefix = [None] * (L + 1)  # prefix[k] = W_k ... W_1; prefix[0] = I is never formed
    P = ws[0]
    prefix[1] = P
    for k in range(1, L):
        P = ws[k] @ P
        prefix[k + 1] = P
    f = p.x @ P[0]
    c = logistic_derivative(p.y * f) * p.y_over_n
    H = (c @ p.x)[None, :]  # E, d_L x d_0
    grads = [None] * L
    for k in range(L, 0, -1):
        grads[k - 1] = H @ prefix[k - 1].T if k > 1 else H
        if k > 1:
            H = ws[k - 1].T @ H
    return grads


def grads_e2e_vector(p, ws):
    L = len(ws)
    suffix = [None] * (L + 1)  # suffix[k] = W_L ... W_{k+1} (d_L x d_k); suffix[L] = I is never formed
    A = ws[L - 1]
    suffix[L - 1] = A
    for k in range(L - 2, -1, -1):
        A = A @ ws[k]
        suffix[k] = A
    f = p.x @ A[0]  # A = suffix[0] = P
    c = logistic_derivative(p.y * f) * p.y_over_n
    V = (c @ p.x)[:, None]  # V_1 = E^T, d_0 x d_L
    grads = [None] * L
    for k in range(1, L + 1):
        grads[k - 1] = suffix[k].T @ V.T if k < L else V.T
        if k < L:
            V = ws[k - 1] @ V
    return grads


VARIANTS = {"backprop": grads_backprop, "e2e-prefix": grads_e2e_prefix, "e2e-vector": grads_e2e_vector}
RELU_VARIANTS = {"backprop": grads_backprop}


def descend(p, grads_fn, steps):
    ws = [w.copy() for w in p.initial]
    eta = p.eta
    for _ in range(steps):
        gs = grads_fn(p, ws)
        for w, g in zip(ws, gs):
            w -= eta * g
    return ws


def measure_rate(run, seconds, repetitions):
    # count is sized from the fastest rate seen, so neither late speed-up nor a stalled run leaves the timed runs short
    count = 1
    fastest = 0.0

    def warm(c):
        nonlocal fastest
        t0 = time.perf_counter()
        run(c)
        elapsed = time.perf_counter() - t0
        if elapsed >= 1e-3:  # runs under a millisecond are too short for the clock to rate
            fastest = max(fastest, c / elapsed)
        return elapsed

    while warm(count) < seconds / 10:
        count *= 2
    before = 0.0
    for _ in range(6):  # as in measureRate.ts: until the rate stops improving by more than 10 %
        if fastest <= 1.1 * before:
            break
        before = fastest
        warm(max(1, round(fastest * seconds / 3)))
    count = max(1, round(fastest * seconds))
    rates = []
    cpu_best = 0.0
    for _ in range(repetitions):
        c0 = time.process_time()
        t0 = time.perf_counter()
        run(count)
        rates.append(count / (time.perf_counter() - t0))
        cpu_best = max(cpu_best, count / max(time.process_time() - c0, 1e-9))
    rates.sort()
    return {"best": rates[-1], "median": rates[len(rates) // 2], "cpuBest": cpu_best, "count": count}


def blas_summary():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception as e:  # the config layout is not a stable API
        return f"unknown ({e})"


def blas_runtime():
    """Which BLAS kernel and thread count NumPy uses at run time."""
    try:
        from threadpoolctl import threadpool_info  # optional; not installed everywhere

        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if info:
            return f"{info[0].get('internal_api')} kernel {info[0].get('architecture')}, {info[0].get('num_threads')} thread(s) (threadpoolctl)"
    except ImportError:
        pass
    # OpenBLAS answers itself: get_corename is the kernel its DYNAMIC_ARCH dispatch chose for this CPU
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", "")):
            core = getattr(lib, f"{prefix}_get_corename{suffix}", None)
            threads = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            if core is not None and threads is not None:
                core.restype = ctypes.c_char_p
                return f"OpenBLAS kernel {core().decode()}, {threads()} thread(s) ({prefix}_get_corename{suffix})"
    return "unknown (no threadpoolctl, no OpenBLAS library found beside numpy)"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 bench/steps_numpy.py <input.json>")
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    out = {
        "numpy": np.__version__,
        "blas": blas_summary(),
        "blasRuntime": blas_runtime(),
        "cpus": os.cpu_count(),
        "threadEnv": {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
        "sizes": [],
    }
    for s in spec["sizes"]:
        p = Problem(s)
        res = {"name": s["name"], "rates": {}, "finalWeights": {}}
        for name, fn in (RELU_VARIANTS if p.relu else VARIANTS).items():
            res["finalWeights"][name] = [w.tolist() for w in descend(p, fn, spec["verifySteps"])]
            res["rates"][name] = measure_rate(lambda c, fn=fn: descend(p, fn, c), spec["seconds"], spec["repetitions"])
        out["sizes"].append(res)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
