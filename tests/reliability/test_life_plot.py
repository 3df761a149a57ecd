"""Probability plots: the fitted line is the fitted CDF on the paper's scale; bounds enclose it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import special, stats  # noqa: E402

from youzhi.reliability.life import fit_life  # noqa: E402
from youzhi.reliability.life_data import LifeData  # noqa: E402
from youzhi.reliability.life_plot import probability_plot  # noqa: E402


@pytest.mark.parametrize("dist", ["weibull", "lognormal", "normal", "loglogistic", "exponential"])
def test_line_is_fitted_cdf_and_band_encloses_it(dist, tmp_path):
    data = LifeData.from_arrays(failures=[16, 34, 53, 75, 93, 120], right_censored=[130, 130])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_life(data, dist)
        fig = probability_plot(fit, tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000
    ax = fig.axes[0]
    line = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"][0]
    t, y = line.get_data()
    f = 1 - fit.reliability(t)
    expected = {"weibull": np.log(-np.log1p(-f)), "exponential": np.log(-np.log1p(-f)),
                "lognormal": special.ndtri(f), "normal": special.ndtri(f), "loglogistic": np.log(f / (1 - f))}[dist]
    np.testing.assert_allclose(y, expected, rtol=1e-9, atol=1e-9)
    band = ax.collections[-1].get_paths()[0].vertices
    # the band's y-range at its middle time contains the line
    tm = np.median(band[:, 0])
    ys = band[np.isclose(band[:, 0], band[np.argmin(abs(band[:, 0] - tm)), 0]), 1]
    ym = np.interp(band[np.argmin(abs(band[:, 0] - tm)), 0], t, y)
    assert ys.min() <= ym <= ys.max()
    # points: exact failures at Johnson-adjusted median ranks (no suspension before any failure here)
    pts = [ln for ln in ax.get_lines() if ln.get_marker() == "o"][0]
    assert np.allclose(pts.get_data()[0], [16, 34, 53, 75, 93, 120])
    f_pts = stats.beta.ppf(0.5, np.arange(1, 7), 8 - np.arange(1, 7) + 1)
    assert np.allclose(pts.get_data()[1], {"weibull": np.log(-np.log1p(-f_pts)), "exponential": np.log(-np.log1p(-f_pts)),
                                          "lognormal": special.ndtri(f_pts), "normal": special.ndtri(f_pts),
                                          "loglogistic": np.log(f_pts / (1 - f_pts))}[dist])


def test_interval_data_points_are_the_turnbull_estimate():
    """Inspection data: failures found in (0, 100], (100, 200], (200, 300], survivors at 300.
    With disjoint intervals the NPMLE is the grouped empirical F: 3/10, 7/10, 9/10."""
    data = LifeData.from_arrays(left_censored=[100.0], interval=[(100.0, 200.0), (200.0, 300.0)],
                                right_censored=[300.0], left_counts=[3], interval_counts=[4, 2], right_counts=[1])
    fig = probability_plot(fit_life(data, "weibull"), bounds=False)
    pts = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "o"][0]
    t, y = pts.get_data()
    assert np.allclose(t, [100, 200, 300])
    assert np.allclose(y, np.log(-np.log1p(-np.array([0.3, 0.7, 0.9]))), atol=1e-6)
