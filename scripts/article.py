"""The article's numpy code, run on data given as JSON: the oracle for the TypeScript implementations.

stdin:  {"x": [[...]], "y": [[...]], "W": [[...]] (features×outputs), "b": number, "a": number,
         "iterations": N, "checkpoints": [i, ...], "gradient": "article" (default) | "logistic"}
"logistic" replaces y_pred − y by s − y (the cross-entropy gradient); nothing else changes.
stdout: {"checkpoints": [{"iteration": i, "W": [[...]], "b": number, "y_pred": [[...]]}, ...]}

`train` is also imported by the benchmark (src/bench/article_bench.py), so the article's loop
lives in this one place.
"""
import json
import sys

import numpy as np


def train(x, y, W, b, a, iterations, logistic=False):
    """The article's loop, line for line, for `iterations` iterations from W and b."""
    m = x.shape[1]
    for i in range(iterations):
        z = np.dot(W.T, x) + b
        s = 1 / (1 + np.exp(-z))
        if logistic:
            dW = np.dot(x, (s - y).T) / m
            db = np.sum(s - y) / m
        else:
            s = s >= 0.5
            y_pred = np.array(s, dtype="int64")
            dW = np.dot(x, (y_pred - y).T) / m
            db = np.sum(y_pred - y) / m
        W = W - a * dW
        b = b - a * db
    return W, b


def predict(x, W, b):
    z = np.dot(W.T, x) + b
    s = 1 / (1 + np.exp(-z))
    return np.array(s >= 0.5, dtype="int64")


def main():
    spec = json.load(sys.stdin)
    x = np.array(spec["x"])
    y = np.array(spec["y"])
    W = np.array(spec["W"], dtype=float)
    b = spec["b"]
    logistic = spec.get("gradient", "article") == "logistic"
    out = []
    done = 0
    for checkpoint in sorted(set(spec.get("checkpoints", [spec["iterations"]]))):
        W, b = train(x, y, W, b, spec["a"], checkpoint - done, logistic)
        done = checkpoint
        out.append({"iteration": checkpoint, "W": W.tolist(), "b": float(b), "y_pred": predict(x, W, b).tolist()})
    json.dump({"checkpoints": out}, sys.stdout)


if __name__ == "__main__":
    main()
