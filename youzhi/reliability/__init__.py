"""Reliability: Monte Carlo and FORM/SORM, life data, system reliability and MTBF.

Every name below loads its module (and numba/scipy) on first use. FORM and SORM are
``youzhi.reliability.form.form`` and ``.sorm`` (the module shares their name).

Examples
--------
>>> from youzhi.reliability import RandomVariable, ReliabilityProblem, crude_monte_carlo
>>> problem = ReliabilityProblem(
...     [RandomVariable("R", "normal", mean=5.0, std=1.0), RandomVariable("S", "normal", mean=3.0, std=1.0)],
...     "R - S")
>>> round(crude_monte_carlo(problem, n_samples=200_000, seed=1).pf, 2)   # exact Phi(-sqrt(2)) = 0.0786
0.08
"""

from youzhi._lazy import lazy_exports

_EXPORTS = {
    **dict.fromkeys(["RandomVariable", "Nataf", "nataf_correlation", "correlation_from_pairs"], "distributions"),
    **dict.fromkeys(["LimitState", "ExpressionLimitState", "CallableLimitState", "SystemLimitState",
                     "limit_state_from_import"], "limit_state"),
    **dict.fromkeys(["ReliabilityProblem", "read_problem_file"], "problem"),
    **dict.fromkeys(["crude_monte_carlo", "latin_hypercube", "MonteCarloResult", "LatinHypercubeResult"], "simulation"),
    **dict.fromkeys(["FormResult", "SormResult"], "form"),
    **dict.fromkeys(["importance_sampling", "ImportanceResult"], "importance"),
    **dict.fromkeys(["subset_simulation", "SubsetResult"], "subset"),
    **dict.fromkeys(["run_batch", "BatchResult"], "batch"),
    **dict.fromkeys(["LifeData", "read_life_csv"], "life_data"),
    **dict.fromkeys(["LifeFit", "fit_life", "BestFit", "best_fit"], "life"),
    **dict.fromkeys(["rank_regression"], "life_rr"),
    **dict.fromkeys(["MTBFEstimate", "DemonstrationPlan", "mtbf_from_test", "demonstration_test_time",
                     "zero_failure_sample_size"], "life_test"),
    **dict.fromkeys(["GrowthFit", "crow_amsaa", "duane", "read_growth_csv"], "growth"),
    **dict.fromkeys(["probability_plot"], "life_plot"),
    **dict.fromkeys(["Lifetime", "Component", "StandbyGroup"], "system_model"),
    **dict.fromkeys(["series", "parallel", "k_out_of_n", "block_graph", "network_graph", "structure_bdd"], "rbd"),
    **dict.fromkeys(["SystemModel", "SystemReliabilityResult", "system_reliability"], "system"),
    **dict.fromkeys(["load_system"], "system_file"),
    **dict.fromkeys(["RepairableSimulationResult", "simulate_system"], "repairable"),
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
