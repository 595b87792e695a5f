"""Expected values for prefplay's golden tests, from independent code.

Run: python make_golden.py   (needs numpy, scipy, statsmodels)
Writes home_games.csv (the data) and expected.json (the numbers that
crates/prefplay-core/tests/golden.rs checks, to 1e-4 on estimates and 1e-3
relative on standard errors).

The data: six teams; every ordered pair plays 6 games at the first team's
home and 2 on neutral ground; outcomes are drawn (seeded) from Davidson's
tie model with a home advantage, so every prefplay model has something to
estimate. The fits use statsmodels' GLM (IRLS) where the model is a GLM,
and scipy's optimiser with a numerical Hessian where it is not.
"""

import csv
import json
import math

import numpy as np
import scipy.optimize as so
import scipy.special as sps
import statsmodels.api as sm
from statsmodels.tools.numdiff import approx_hess3

TEAMS = ["Lions", "Tigers", "Bears", "Wolves", "Hawks", "Sharks"]
TRUE_SCORE = [0.8, 0.4, 0.1, -0.2, -0.4, -0.7]
HOME = 0.35
NU = 0.5


def make_data():
    rng = np.random.default_rng(20261128)
    rows = []  # (a, b, outcome, advantage, count)
    for a in range(6):
        for b in range(6):
            if a == b:
                continue
            for adv, games in (("a", 6), ("none", 2)):
                eta = TRUE_SCORE[a] - TRUE_SCORE[b] + (HOME if adv == "a" else 0.0)
                w = np.array([math.exp(eta / 2), math.exp(-eta / 2), NU])
                counts = rng.multinomial(games, w / w.sum())
                for outcome, c in zip(("a", "b", "tie"), counts):
                    if c:
                        rows.append((a, b, outcome, adv, int(c)))
    with open("home_games.csv", "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["item_a", "item_b", "winner", "count", "advantage"])
        for a, b, o, adv, c in rows:
            out.writerow([TEAMS[a], TEAMS[b], o, c, adv])
    return rows


def design(rows, reference, with_order):
    """One row per data row: +1 for a, -1 for b (reference column dropped)."""
    cols = [i for i in range(6) if i != reference]
    X = np.zeros((len(rows), len(cols) + (1 if with_order else 0)))
    for k, (a, b, _, adv, _) in enumerate(rows):
        if a in cols:
            X[k, cols.index(a)] += 1
        if b in cols:
            X[k, cols.index(b)] -= 1
        if with_order:
            X[k, -1] = 1.0 if adv == "a" else 0.0
    return X, cols


def scores_from(params, cols):
    s = np.zeros(6)
    for i, c in enumerate(cols):
        s[c] = params[i]
    return s


def glm_case(rows, link, ties, with_order, reference=0):
    """GLM Binomial fit; ties dropped or counted as half a win."""
    agg = {}
    for a, b, o, adv, c in rows:
        key = (a, b, adv)
        wa, wb, t = agg.get(key, (0, 0, 0))
        agg[key] = (wa + c * (o == "a"), wb + c * (o == "b"), t + c * (o == "tie"))
    cells = [(a, b, None, adv, None) for (a, b, adv) in agg]
    X, cols = design(cells, reference, with_order)
    wa = np.array([v[0] for v in agg.values()], float)
    wb = np.array([v[1] for v in agg.values()], float)
    t = np.array([v[2] for v in agg.values()], float)
    if ties == "half":
        wa, wb = wa + t / 2, wb + t / 2
    n = wa + wb
    keep = n > 0
    fam = sm.families.Binomial(link=link)
    model = sm.GLM(wa[keep] / n[keep], X[keep], family=fam, var_weights=n[keep])
    fit = model.fit(tol=1e-14, maxiter=200)
    out = {
        "scores": scores_from(fit.params, cols).tolist(),
        "se": scores_from(fit.bse, cols).tolist(),
        "log_likelihood": float(
            np.sum(
                wa[keep] * np.log(fit.fittedvalues) + wb[keep] * np.log(1 - fit.fittedvalues)
            )
        ),
    }
    if with_order:
        out["order_effect"] = [float(fit.params[-1]), float(fit.bse[-1])]
    if isinstance(link, sm.families.links.Probit):
        # GLM's bse use the expected information (as R's glm); prefplay
        # reports the inverse of the observed Hessian, computed here
        # numerically at the GLM optimum.
        def nll(p):
            eta = X[keep] @ p
            return -float(np.sum(wa[keep] * sps.log_ndtr(eta) + wb[keep] * sps.log_ndtr(-eta)))

        observed = np.sqrt(np.diag(np.linalg.inv(approx_hess3(fit.params, nll))))
        out["expected_information_se"] = out["se"]
        out["se"] = scores_from(observed, cols).tolist()
        if with_order:
            out["order_effect"][1] = float(observed[-1])
    if ties == "drop":
        # Sandwich (HC0) on one row per vote.
        Xv, yv = [], []
        for k, (a, b, adv) in enumerate(agg):
            for y, c in ((1.0, agg[(a, b, adv)][0]), (0.0, agg[(a, b, adv)][1])):
                Xv += [X[k]] * int(c)
                yv += [y] * int(c)
        robust = sm.GLM(np.array(yv), np.array(Xv), family=fam).fit(cov_type="HC0", tol=1e-14)
        out["sandwich_se"] = scores_from(robust.bse, cols).tolist()
        if with_order:
            out["sandwich_order_se"] = float(robust.bse[-1])
    return out


def tie_model_case(rows, kind, reference=0):
    """Davidson or Rao-Kupper with home advantage, by direct likelihood."""
    cols = [i for i in range(6) if i != reference]

    def unpack(p):
        s = scores_from(p[:5], cols)
        return s, p[5], p[6]

    def nll(p):
        s, h, tie = unpack(p)
        total = 0.0
        for a, b, o, adv, c in rows:
            eta = s[a] - s[b] + (h if adv == "a" else 0.0)
            if kind == "davidson":  # tie = log nu
                logits = np.array([eta / 2, -eta / 2, tie])
                lp = logits - np.logaddexp.reduce(logits)
            else:  # tie = alpha = log theta > 0
                if tie <= 0:
                    return 1e100
                la = -np.logaddexp(0, tie - eta)
                lb = -np.logaddexp(0, tie + eta)
                lt = math.log(math.expm1(2 * tie)) - np.logaddexp(0, tie - eta) - np.logaddexp(0, tie + eta)
                lp = np.array([la, lb, lt])
            total -= c * lp[{"a": 0, "b": 1, "tie": 2}[o]]
        return total

    start = np.zeros(7)
    start[6] = 0.0 if kind == "davidson" else 0.5
    res = so.minimize(nll, start, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
    res = so.minimize(nll, res.x, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000})
    res = so.minimize(nll, res.x, method="BFGS", options={"gtol": 1e-11})
    cov = np.linalg.inv(approx_hess3(res.x, nll))
    se = np.sqrt(np.diag(cov))
    s, h, tie = unpack(res.x)
    natural = math.exp(tie)
    return {
        "scores": s.tolist(),
        "se": scores_from(se[:5], cols).tolist(),
        "order_effect": [float(h), float(se[5])],
        "tie_parameter": [natural, natural * float(se[6])],
        "log_likelihood": float(-res.fun),
    }


def map_case(rows, l2):
    """Bradley-Terry MAP with a N(0, 1/l2) prior on every score, ties as
    halves, no order effect; standard errors of the centred scores from
    the inverse Hessian of the penalised objective."""

    def objective(s):
        total = 0.0
        for a, b, o, adv, c in rows:
            d = s[a] - s[b]
            wa = c * (1.0 if o == "a" else 0.5 if o == "tie" else 0.0)
            wb = c - wa
            total -= wa * -np.logaddexp(0, -d) + wb * -np.logaddexp(0, d)
        return total + 0.5 * l2 * float(np.dot(s, s))

    res = so.minimize(objective, np.zeros(6), method="BFGS", options={"gtol": 1e-11})
    cov = np.linalg.inv(approx_hess3(res.x, objective))
    P = np.eye(6) - np.ones((6, 6)) / 6
    centred = P @ res.x
    return {"scores": centred.tolist(), "se": np.sqrt(np.diag(P @ cov @ P)).tolist()}


def main():
    rows = make_data()
    expected = {
        "teams": TEAMS,
        "reference": TEAMS[0],
        "cases": {
            "bt_drop_order": glm_case(rows, sm.families.links.Logit(), "drop", True),
            "bt_half_order": glm_case(rows, sm.families.links.Logit(), "half", True),
            "bt_drop_plain": glm_case(rows, sm.families.links.Logit(), "drop", False),
            "thurstone_drop_order": glm_case(rows, sm.families.links.Probit(), "drop", True),
            "davidson_order": tie_model_case(rows, "davidson"),
            "rao_kupper_order": tie_model_case(rows, "rao_kupper"),
            "bt_half_map_l2_0.5": map_case(rows, 0.5),
        },
    }
    with open("expected.json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
