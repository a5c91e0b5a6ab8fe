"""The article's numpy code, run on data given as JSON: the oracle for the TypeScript implementations.

Run from the repository's root: python3 -m oracle.article < spec.json

stdin:  {"x": [[...]], "y": [[...]], "W": [[...]] (features×outputs), "b": number, "a": number,
         "iterations": N, "checkpoints": [i, ...], "gradient": "article" (default) | "logistic",
         "pocket": false (default) | true}
"logistic" replaces y_pred − y by s − y (the cross-entropy gradient); nothing else changes.
stdout: {"checkpoints": [{"iteration": i, "W": [[...]], "b": number, "y_pred": [[...]]}, ...]}
With "pocket": true, `train_pocket` runs the N iterations instead (no checkpoints), and stdout is
{"W", "b", "afterUpdates", "errors", "loss", "y_pred"}: the pocket's W and b and what they score.

`train` and `train_fast` are also imported by the benchmark (bench/article_bench.py, as
`from oracle import article`), so the article's loop lives in this one place.
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


def train_fast(x, y, W, b, a, iterations, dtype, logistic=False):
    """The same update as `train`, written for speed, entirely in `dtype` (np.float32 or np.float64).

    z = Wᵀ·x + b; s = sigmoid(z); y_pred = (s >= 0.5); e = y_pred − y (or s − y when `logistic`);
    W −= a·(x·eᵀ/m); b −= a·(sum(e)/m). Nothing is upcast: x and y are used as they are when they
    already have `dtype` (convert them once beforehand to keep that out of a timing), the scalars
    are `dtype` scalars, and every step after the two matrix products writes into buffers allocated
    once (ufuncs with out=). Returns (W, b): a new `dtype` array and a `dtype` scalar.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"train_fast: dtype must be float32 or float64, not {dtype}")
    real = dtype.type
    x = x.astype(dtype, copy=False)
    y = y.astype(dtype, copy=False)
    W = np.array(W, dtype=dtype)  # a copy: the caller's W is not updated in place
    b = real(b)
    a = real(a)
    m = real(x.shape[1])
    one, half = real(1), real(0.5)
    z = np.empty((W.shape[1], x.shape[1]), dtype)  # z, then s, then e, in turn
    y_pred = np.empty(z.shape, np.bool_)
    dW = np.empty_like(W)
    # exp(−z) overflows to inf for very negative z, giving s = 1/inf = 0, the limit: no warning for that.
    with np.errstate(over="ignore"):
        for _ in range(iterations):
            np.matmul(W.T, x, out=z)
            np.add(z, b, out=z)
            np.negative(z, out=z)  # s = 1 / (1 + exp(−z))
            np.exp(z, out=z)
            np.add(z, one, out=z)
            np.reciprocal(z, out=z)
            if logistic:
                np.subtract(z, y, out=z)  # e = s − y
            else:
                np.greater_equal(z, half, out=y_pred)
                np.subtract(y_pred, y, out=z)  # e = y_pred − y
            np.matmul(x, z.T, out=dW)
            np.divide(dW, m, out=dW)
            db = np.add.reduce(z, axis=None, dtype=dtype) / m
            np.multiply(dW, a, out=dW)
            np.subtract(W, dW, out=W)
            b = real(b - a * db)
    return W, b


def errors_and_loss(x, y, W, b):
    """Training errors of y_pred = (s >= 0.5) and the mean logistic loss, in its stable form
    max(z, 0) − z·y + log(1 + e^−|z|), over all outputs and samples."""
    z = np.dot(W.T, x) + b
    s = 1 / (1 + np.exp(-z))
    errors = int(np.sum((s >= 0.5) != (y == 1)))
    loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    return errors, loss


def train_pocket(x, y, W, b, a, iterations, logistic=False):
    """Gallant's pocket algorithm (1990) over the article's loop: the same updates as `train`, but it
    returns the W and b with the fewest training errors among those of every iteration's forward
    pass and the final ones (ties: the lower mean loss, then the earlier), and after how many updates
    they were reached, with their errors and loss."""
    best = None
    for i in range(iterations + 1):
        errors, loss = errors_and_loss(x, y, W, b)
        if best is None or errors < best[0] or (errors == best[0] and loss < best[1]):
            best = (errors, loss, W.copy(), b, i)
        if i == iterations:
            break
        W, b = train(x, y, W, b, a, 1, logistic)
    errors, loss, W, b, after = best
    return W, b, after, errors, loss


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
    if spec.get("pocket", False):
        W, b, after, errors, loss = train_pocket(x, y, W, b, spec["a"], spec["iterations"], logistic)
        result = {"W": W.tolist(), "b": float(b), "afterUpdates": after, "errors": errors, "loss": loss, "y_pred": predict(x, W, b).tolist()}
        json.dump(result, sys.stdout)
        return
    out = []
    done = 0
    for checkpoint in sorted(set(spec.get("checkpoints", [spec["iterations"]]))):
        W, b = train(x, y, W, b, spec["a"], checkpoint - done, logistic)
        done = checkpoint
        out.append({"iteration": checkpoint, "W": W.tolist(), "b": float(b), "y_pred": predict(x, W, b).tolist()})
    json.dump({"checkpoints": out}, sys.stdout)


if __name__ == "__main__":
    main()
