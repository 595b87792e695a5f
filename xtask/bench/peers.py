"""Time the peers on prefplay's benchmark files (called by `cargo xtask bench`).

Usage: python peers.py DIR

Reads every DIR/bt_<items>_<votes>.csv written by prefplay's core bench
(pairs CSV: item_a,item_b,winner,...), parses it (not timed), then times
each peer's Bradley-Terry fit on the parsed arrays: evalica 0.4.2
(`bradley_terry`, its Rust solver), choix 0.4.1 (`ilsr_pairwise`) and, when
it is installed, arena-rank 0.1.1 (`PairDataset.from_pandas` + `fit`).
Prints `BENCH <peer>.<name> <ms> ms` lines: the median of repeated runs.
"""

import csv
import glob
import os
import statistics
import sys
import time


def median_ms(runs, fn):
    fn()  # warm-up (JIT compilation, caches)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def load(path):
    index, xs, ys, winners = {}, [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            a = index.setdefault(row["item_a"], len(index))
            b = index.setdefault(row["item_b"], len(index))
            xs.append(a)
            ys.append(b)
            winners.append(row["winner"])
    return len(index), xs, ys, winners


def main():
    directory = sys.argv[1]
    for path in sorted(glob.glob(os.path.join(directory, "bt_*_*.csv"))):
        _, items, votes = os.path.basename(path)[:-4].split("_")
        name = f"fit_{items}_{votes}"
        big = int(votes) >= 1_000_000
        n, xs, ys, winners = load(path)

        import evalica

        codes = {"a": evalica.Winner.X, "b": evalica.Winner.Y, "tie": evalica.Winner.Draw}
        ev_winners = [codes[w] for w in winners]
        ms = median_ms(3 if big else 11, lambda: evalica.bradley_terry(xs, ys, ev_winners))
        print(f"BENCH evalica.{name} {ms:.3f} ms", flush=True)

        import choix

        data = [(x, y) if w == "a" else (y, x) for x, y, w in zip(xs, ys, winners) if w != "tie"]
        ms = median_ms(1 if big else 5, lambda: choix.ilsr_pairwise(n, data))
        print(f"BENCH choix.{name} {ms:.3f} ms", flush=True)

        try:
            import pandas as pd
            from arena_rank.models.bradley_terry import BradleyTerry
            from arena_rank.utils.data_utils import PairDataset
        except ImportError:
            continue
        outcome = {"a": "model_a", "b": "model_b", "tie": "tie"}
        df = pd.DataFrame(
            {
                "model_a": [str(x) for x in xs],
                "model_b": [str(y) for y in ys],
                "winner": [outcome[w] for w in winners],
            }
        )

        def arena():
            dataset = PairDataset.from_pandas(df)
            BradleyTerry(dataset.n_competitors).fit(dataset)

        ms = median_ms(1 if big else 3, arena)
        print(f"BENCH arena-rank.{name} {ms:.3f} ms", flush=True)


if __name__ == "__main__":
    main()
