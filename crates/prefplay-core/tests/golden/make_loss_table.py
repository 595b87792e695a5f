#!/usr/bin/env python3
"""Writes loss_table.csv: expected values of every loss in
prefplay_core::loss, computed from the published formulas as TRL writes
them (trl/trainer/dpo_trainer.py `dpo_loss`, cpo_trainer.py, orpo_trainer.py
`odds_ratio_loss`, kto_trainer.py `kto_loss`, bco's running mean), with
plain Python floats (math only) so the table does not depend on the Rust
code it checks. Run: python3 make_loss_table.py > loss_table.csv

Batches: rows sharing a `case` form one batch (BCO's baseline, KTO's KL
reference point, DRO's value and AOT's sort are batch quantities).
"""
import math
import random


def logsig(x):
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def sig(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def smoothed(z, ls):
    return -logsig(z) * (1 - ls) - logsig(-z) * ls


def batch_losses(kind, p, rows):
    beta, ls, gamma, tau = p["beta"], p["ls"], p["gamma"], p["tau"]
    out = []
    cl = [r["pc"] - r["rc"] for r in rows]  # chosen_logratios
    rl = [r["pr"] - r["rr"] for r in rows]  # rejected_logratios
    logits = [a - b for a, b in zip(cl, rl)]
    if kind == "aot" or kind == "aot_pair":
        if kind == "aot":
            a = sorted(r["pc"] - r["pr"] for r in rows)
            b = sorted(r["rc"] - r["rr"] for r in rows)
        else:
            a, b = sorted(cl), sorted(rl)
        return [smoothed(beta * (x - y), ls) for x, y in zip(a, b)]
    if kind == "bco_pair":
        rewards = [beta * x for x in cl] + [beta * x for x in rl]
        delta = sum(rewards) / len(rewards)
    if kind in ("kto", "dro"):
        responses = []  # per row: list of (logratio, label, chosen?)
        for r, c_, r_ in zip(rows, cl, rl):
            if r["label"] == "":
                responses.append([(c_, 1.0), (r_, 0.0)])
            else:
                responses.append([(c_, float(r["label"]))])
        flat = [x for resp in responses for x in resp]
        kl = max(0.0, sum(x for x, _ in flat) / len(flat))
        value = sum(lab - beta * x for x, lab in flat) / len(flat)
    for i, r in enumerate(rows):
        z = beta * logits[i]
        if kind == "sigmoid":
            loss = smoothed(z, ls)
        elif kind == "robust":
            loss = (-logsig(z) * (1 - ls) + logsig(-z) * ls) / (1 - 2 * ls)
        elif kind == "exo_pair":
            e = ls if ls > 0 else 1e-3
            loss = sig(z) * (logsig(z) - math.log(1 - e)) + sig(-z) * (logsig(-z) - math.log(e))
        elif kind == "hinge":
            loss = max(0.0, 1 - z)
        elif kind == "ipo":
            loss = (logits[i] - 1 / (2 * beta)) ** 2
        elif kind == "bco_pair":
            loss = -logsig(beta * cl[i] - delta) - logsig(-(beta * rl[i] - delta))
        elif kind == "sppo_hard":
            loss = (cl[i] - 0.5 / beta) ** 2 + (rl[i] + 0.5 / beta) ** 2
        elif kind == "nca_pair":
            loss = -logsig(beta * cl[i]) - 0.5 * logsig(-beta * cl[i]) - 0.5 * logsig(-beta * rl[i])
        elif kind == "apo_zero":
            loss = (1 - sig(beta * cl[i])) + sig(beta * rl[i])
        elif kind == "apo_down":
            loss = sig(beta * cl[i]) + (1 - sig(beta * (cl[i] - rl[i])))
        elif kind == "discopop":
            m = sig(z / tau)
            loss = -logsig(z) * (1 - m) + math.exp(-z) * m
        elif kind == "simpo":
            lg = (r["pc"] / r["lc"] - r["pr"] / r["lr"]) - gamma / beta
            loss = smoothed(beta * lg, ls)
        elif kind == "cpo":
            loss = smoothed(beta * (r["pc"] - r["pr"]), ls) + p["alpha"] * (-r["pc"] / r["lc"])
        elif kind == "orpo":
            a, b = r["pc"] / r["lc"], r["pr"] / r["lr"]
            log_odds = (a - b) - (math.log1p(-math.exp(a)) - math.log1p(-math.exp(b)))
            loss = -a - beta * logsig(log_odds)
        elif kind == "kto":
            loss = 0.0
            for x, lab in responses[i]:
                if lab > 0.5:
                    loss += p["wd"] * (1 - sig(beta * (x - kl)))
                else:
                    loss += p["wu"] * (1 - sig(beta * (kl - x)))
        elif kind == "dro":
            loss = sum(0.5 * (lab - value - beta * x) ** 2 for x, lab in responses[i])
        elif kind == "bt":
            loss = -logsig(r["pc"] - r["pr"])
        else:
            raise ValueError(kind)
        if p["wpo"]:
            loss *= math.exp(r["pc"] / r["lc"] + r["pr"] / r["lr"])
        out.append(loss)
    return out


def main():
    rng = random.Random(20261129)
    kinds = ["sigmoid", "robust", "exo_pair", "hinge", "ipo", "bco_pair", "sppo_hard",
             "nca_pair", "aot", "aot_pair", "apo_zero", "apo_down", "discopop", "simpo",
             "cpo", "orpo", "kto", "dro", "bt"]
    fields = ["case", "type", "beta", "label_smoothing", "gamma", "tau", "cpo_alpha",
              "desirable_weight", "undesirable_weight", "wpo", "policy_chosen_logp",
              "policy_rejected_logp", "ref_chosen_logp", "ref_rejected_logp", "chosen_len",
              "rejected_len", "label", "loss"]
    print(",".join(fields))
    case = 0
    for kind in kinds:
        for variant in range(3):
            p = {"beta": [0.1, 0.5, 2.0][variant],
                 "ls": [0.0, 0.1, 0.3][variant] if kind in ("sigmoid", "robust", "exo_pair", "aot", "aot_pair", "simpo", "cpo") else 0.0,
                 "gamma": [0.5, 1.0, 0.0][variant], "tau": [0.05, 0.5, 1.0][variant],
                 "alpha": [1.0, 0.5, 0.0][variant], "wd": [1.0, 1.5, 1.0][variant],
                 "wu": [1.0, 1.0, 0.7][variant],
                 "wpo": variant == 2 and kind not in ("aot", "aot_pair", "kto", "dro")}
            rows = []
            for _ in range(4):
                lc, lr = rng.randint(1, 30), rng.randint(1, 30)
                rows.append({"pc": -rng.uniform(0.5, 3) * lc, "pr": -rng.uniform(0.5, 3) * lr,
                             "rc": -rng.uniform(0.5, 3) * lc, "rr": -rng.uniform(0.5, 3) * lr,
                             "lc": lc, "lr": lr,
                             "label": (str(rng.randint(0, 1)) if kind in ("kto", "dro") and variant > 0 else "")})
            for r, loss in zip(rows, batch_losses(kind, p, rows)):
                print(",".join(str(v) for v in [case, kind, p["beta"], p["ls"], p["gamma"], p["tau"],
                                                p["alpha"], p["wd"], p["wu"], int(p["wpo"]), r["pc"], r["pr"],
                                                r["rc"], r["rr"], r["lc"], r["lr"], r["label"], repr(loss)]))
            case += 1


if __name__ == "__main__":
    main()
