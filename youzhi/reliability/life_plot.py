"""Probability plots of fitted life distributions (Weibull paper and the others), with bounds.

The y axis is the distribution's linearising scale (``ln(-ln(1-F))`` for Weibull and
exponential, ``Phi^-1(F)`` for lognormal, normal and gamma, ``logit F`` for loglogistic),
labelled in percent unreliability; x is log time except for the normal. Points are exact
failures at their median ranks (Johnson's adjusted ranks with suspensions) or, when some
failures are left- or interval-censored, Turnbull's nonparametric estimate of F at the right
end of each interval that holds mass (``life_npmle``); the fitted line
and its two-sided bounds on reliability (the fit's own method) are drawn over the data range.
matplotlib is imported when a plot is made.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from youzhi.reliability.life import fit_life
>>> fig = probability_plot(fit_life([16, 34, 53, 75, 93, 120], "weibull"))
>>> fig.axes[0].get_ylabel()
'unreliability F(t) [%] (Weibull scale)'
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
from scipy import special

from youzhi.errors import ComputationError, DataFileError
from youzhi.reliability.life import LifeFit
from youzhi.reliability.life_npmle import turnbull
from youzhi.reliability.life_rr import adjusted_ranks, median_rank

_SCALE = {"weibull": "Weibull", "weibull3": "Weibull", "exponential": "Weibull", "lognormal": "normal",
          "normal": "normal", "gamma": "normal", "loglogistic": "logistic"}
_TICKS = np.array([0.1, 0.5, 1, 2, 5, 10, 20, 30, 50, 70, 90, 95, 99, 99.9]) / 100


def _y(scale: str, f: np.ndarray) -> np.ndarray:
    f = np.clip(np.asarray(f, float), 1e-12, 1 - 1e-12)
    if scale == "Weibull":
        return np.log(-np.log1p(-f))
    if scale == "normal":
        return special.ndtri(f)
    return np.log(f / (1 - f))


def probability_plot(fit: LifeFit, path: str | os.PathLike[str] | None = None, ax: Any = None,
                     bounds: bool = True) -> Any:
    """Draw ``fit`` on its probability paper; save to ``path`` (format from the suffix) if given.

    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    scale = _SCALE[fit.distribution]
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
    else:
        fig = ax.figure
    data = fit.data
    log_x = fit.distribution != "normal"
    if not data.has_left_or_interval and data.n_exact > 0:
        t, ranks, n = adjusted_ranks(data)
        ax.plot(t, _y(scale, median_rank(ranks, n)), "o", color="k", ms=4, label="failures (median ranks)")
        t_all = t
    else:
        npmle = turnbull(data)
        shown = npmle.cdf < 1.0 - 1e-9  # F = 1 lies off the paper
        ax.plot(npmle.times[shown], _y(scale, npmle.cdf[shown]), "o", color="k", ms=4,
                label="data (Turnbull NPMLE)")
        t_all = np.concatenate([data.failures, data.left_censored, data.interval_lower, data.interval_upper])
        t_all = t_all[t_all > 0] if log_x else t_all
    lo_t = max(fit.quantile(0.001), 1e-9) if log_x else fit.quantile(0.001)
    hi_t = max(fit.quantile(0.999), t_all.max() if t_all.size else 0)
    if fit.distribution == "weibull3":
        lo_t = max(lo_t, fit.parameters["gamma"] + 1e-6 * (hi_t - fit.parameters["gamma"]))
    grid = np.geomspace(lo_t, hi_t, 80) if log_x else np.linspace(lo_t, hi_t, 80)
    ax.plot(grid, _y(scale, 1 - fit.reliability(grid)), "-", color="C0", label=f"{fit.distribution} ({fit.method})")
    if bounds:
        band_t = np.geomspace(lo_t, hi_t, 25) if log_x else np.linspace(lo_t, hi_t, 25)
        lower, upper, kept = [], [], []
        for t in band_t:
            try:
                r_lo, r_hi = fit.reliability_interval(float(t))
            except ComputationError:
                continue
            kept.append(t)
            lower.append(1 - r_hi)
            upper.append(1 - r_lo)
        if len(kept) < len(band_t):
            warnings.warn(f"probability plot: bounds could not be computed at {len(band_t) - len(kept)} of "
                          f"{len(band_t)} times and are not drawn there", stacklevel=2)
        if kept:
            ax.fill_between(kept, _y(scale, lower), _y(scale, upper), color="C0", alpha=0.2,
                            label=f"{100 * fit.confidence:g}% bounds ({fit.bounds})")
    if log_x:
        ax.set_xscale("log")
    ticks = _TICKS
    ax.set_yticks(_y(scale, ticks))
    ax.set_yticklabels([f"{100 * v:g}" for v in ticks])
    ax.set_ylim(_y(scale, 0.001), _y(scale, 0.999))
    ax.set_xlabel("time")
    ax.set_ylabel(f"unreliability F(t) [%] ({scale} scale)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    if path is not None:
        try:
            fig.savefig(os.fspath(path), bbox_inches="tight")
        except (OSError, ValueError) as exc:
            raise DataFileError(f"{os.fspath(path)}: cannot write the plot ({exc})") from None
    return fig
