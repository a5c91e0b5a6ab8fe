"""Times the article's numpy loop on .npy data, for the benchmark (bench/timing.ts).

Run from the repository's root as a module: python3 -m bench.article_bench SPEC

argv[1]: JSON {"x": path, "y": path, "W": [[...]] (features×outputs), "b": number, "a": number,
               "mode": "run" | "iterations", "iterations": N, "warmup": runs or iterations, "samples": S}
"run": each sample is a whole run of N iterations from W and b; "iterations": after `warmup`
iterations, each sample is N more iterations going on from the current W and b.
Optional: "variant": "article" (default) | "float32" | "float64", and "gradient": "article" (default) | "logistic"
(e = s − y instead of y_pred − y).
  "article": the article's loop itself (oracle.article.train) on x and y as loaded, W float64, b and a Python floats:
             with float32 data numpy converts all of x to float64 in each iteration, as the article's code does.
  "float32": oracle.article.train_fast: the same update with x, y, W, b and a all float32, nothing upcast, in-place
             ufuncs (what a numpy user who cares about speed would write).
  "float64": oracle.article.train_fast in float64; x and y are converted to float64 once, before any timing.
stdout: JSON {"ms": [one time per sample], "W": [[...]], "b": number, "baselineRss": bytes, "peakRss": bytes}
Only the training loop is timed (time.perf_counter).
"""
import json
import re
import resource
import sys
import time

import numpy as np

# The article's loop lives in oracle/article.py (the tests' oracle); time that very code.
from oracle import article


def rss(field):
    """VmRSS or VmHWM (the peak, which starts afresh at exec) in bytes; else getrusage's peak."""
    try:
        with open("/proc/self/status") as status:
            return int(re.search(field + r":\s+(\d+) kB", status.read()).group(1)) * 1024
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


spec = json.loads(sys.argv[1])
baseline = rss("VmRSS")
x = np.load(spec["x"])
y = np.load(spec["y"])
a = spec["a"]
variant = spec.get("variant", "article")
gradient = spec.get("gradient", "article")
if variant not in ("article", "float32", "float64"):
    sys.exit(f"article_bench.py: unknown variant {variant!r} (article, float32 or float64)")
if gradient not in ("article", "logistic"):
    sys.exit(f"article_bench.py: unknown gradient {gradient!r} (article or logistic)")
logistic = gradient == "logistic"

if variant == "article":
    W0 = np.array(spec["W"], dtype=float)
    b0 = spec["b"]

    def train(W, b, iterations):
        return article.train(x, y, W, b, a, iterations, logistic)

else:
    dtype = np.dtype(variant).type
    # Converted here, once, outside the timed loop (a no-op for float32 data in the float32 variant).
    x = x.astype(dtype, copy=False)
    y = y.astype(dtype, copy=False)
    W0 = np.array(spec["W"], dtype=dtype)
    b0 = dtype(spec["b"])

    def train(W, b, iterations):
        return article.train_fast(x, y, W, b, a, iterations, dtype, logistic)

ms = []
if spec["mode"] == "run":
    for i in range(spec["warmup"] + spec["samples"]):
        start = time.perf_counter()
        W, b = train(W0, b0, spec["iterations"])
        elapsed = time.perf_counter() - start
        if i >= spec["warmup"]:
            ms.append(elapsed * 1000)
else:
    W, b = train(W0, b0, spec["warmup"])
    for i in range(spec["samples"]):
        start = time.perf_counter()
        W, b = train(W, b, spec["iterations"])
        ms.append((time.perf_counter() - start) * 1000)

peak = rss("VmHWM")
json.dump({"ms": ms, "W": W.tolist(), "b": float(b), "baselineRss": baseline, "peakRss": peak}, sys.stdout)
