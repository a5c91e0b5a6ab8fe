"""Times the article's numpy loop on .npy data, for scripts/bench.ts.

argv[1]: JSON {"x": path, "y": path, "W": [[...]] (features×outputs), "b": number, "a": number,
               "mode": "run" | "iterations", "iterations": N, "warmup": runs or iterations, "samples": S}
"run": each sample is a whole run of N iterations from W and b; "iterations": after `warmup`
iterations, each sample is N more iterations going on from the current W and b.
stdout: JSON {"ms": [one time per sample], "W": [[...]], "b": number, "baselineRss": bytes, "peakRss": bytes}
Only the training loop is timed (time.perf_counter).
"""
import json
import os
import re
import resource
import sys
import time

import numpy as np

# The article's loop lives in scripts/article.py (the tests' oracle); time that very code.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import article  # noqa: E402


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


def train(W, b, iterations):
    return article.train(x, y, W, b, a, iterations)


W0 = np.array(spec["W"], dtype=float)
b0 = spec["b"]
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
