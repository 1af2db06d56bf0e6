"""scikit-learn side of bench/iforest.ts: fits and scores sklearn's
IsolationForest on the matrix the TS bench wrote, so both run on the same data.

Usage: /usr/bin/python3 bench/iforest_sklearn.py DIR ROWS COLS TREES PSI SEED AUC_SEEDS
DIR holds x.f64 (row-major float64), y.u8 (labels, 1 = anomaly); this writes
DIR/sklearn_scores.f64 (-score_samples, higher = more anomalous) and prints one
JSON line of measurements. AUC_SEEDS > 1 also fits seeds SEED+1.. to show
how much AUC moves with the seed alone.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

REPEATS = 3
BATCH_ROWS = 512
BATCHED_ROWS_TIMED = 51_200  # 100 batches: enough for a stable rate, short enough to wait for


def median_seconds(action):
    times = []
    result = None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    directory, rows, cols, trees, psi, seed, auc_seeds = sys.argv[1], *map(int, sys.argv[2:8])
    x = np.fromfile(os.path.join(directory, "x.f64"), dtype=np.float64).reshape(rows, cols)
    y = np.fromfile(os.path.join(directory, "y.u8"), dtype=np.uint8)

    def fit(random_state=seed):
        return IsolationForest(n_estimators=trees, max_samples=psi, max_features=1.0, bootstrap=False, random_state=random_state).fit(x)

    fit_s, model = median_seconds(fit)
    score_s, scores = median_seconds(lambda: -model.score_samples(x))

    batched = x[: min(rows, BATCHED_ROWS_TIMED)]
    start = time.perf_counter()
    for offset in range(0, len(batched), BATCH_ROWS):
        model.score_samples(batched[offset : offset + BATCH_ROWS])
    batch_s = time.perf_counter() - start

    scores.astype(np.float64).tofile(os.path.join(directory, "sklearn_scores.f64"))
    has_both_labels = 0 < y.sum() < len(y)
    auc = float(roc_auc_score(y, scores)) if has_both_labels else None
    seed_aucs = [auc] + [float(roc_auc_score(y, -fit(seed + k).score_samples(x))) for k in range(1, auc_seeds)] if has_both_labels else []
    print(json.dumps({
        "sklearn_version": __import__("sklearn").__version__,
        "auc": auc,
        "seed_aucs": seed_aucs,
        "fit_s": fit_s,
        "score_s": score_s,
        "score_per_s": rows / score_s,
        "batch512_per_s": len(batched) / batch_s,
    }))


if __name__ == "__main__":
    main()
