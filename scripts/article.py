"""The article's numpy code, run on data given as JSON: the oracle for the TypeScript implementations.

stdin:  {"x": [[...]], "y": [[...]], "W": [[...]] (features×outputs), "b": number, "a": number,
         "iterations": N, "checkpoints": [i, ...], "gradient": "article" (default) | "logistic"}
"logistic" replaces y_pred − y by s − y (the cross-entropy gradient); nothing else changes.
stdout: {"checkpoints": [{"iteration": i, "W": [[...]], "b": number, "y_pred": [[...]]}, ...]}
"""
import json
import sys

import numpy as np

spec = json.load(sys.stdin)
x = np.array(spec["x"])
y = np.array(spec["y"])
W = np.array(spec["W"], dtype=float)
b = spec["b"]
a = spec["a"]
m = x.shape[1]
checkpoints = set(spec.get("checkpoints", [spec["iterations"]]))
logistic = spec.get("gradient", "article") == "logistic"
out = []


def predict(W, b):
    z = np.dot(W.T, x) + b
    s = 1 / (1 + np.exp(-z))
    return np.array(s >= 0.5, dtype="int64")


for i in range(1, spec["iterations"] + 1):
    # the article's loop, line for line
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
    if i in checkpoints:
        out.append({"iteration": i, "W": W.tolist(), "b": float(b), "y_pred": predict(W, b).tolist()})

json.dump({"checkpoints": out}, sys.stdout)
