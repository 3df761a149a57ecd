"""The parts of a system model: component lifetimes, components and standby groups.

A :class:`Lifetime` is a named life (or repair-time) distribution on ``t >= 0``:

===============  ==============================================  =========================
distribution     parameters (one set)                            notes
===============  ==============================================  =========================
``exponential``  ``rate`` or ``mean`` [, ``loc``]                ``loc``: failure-free time
``weibull``      ``shape, scale`` [, ``loc``]                    3-parameter with ``loc``
``lognormal``    ``mu_log, sigma_log`` or ``mean, std`` [, loc]  ``mean, std`` of the time
``normal``       ``mean, std``                                   truncated at 0 (``mean > 0``)
``gamma``        ``shape, scale`` or ``shape, rate`` [, ``loc``]
``loglogistic``  ``shape, scale`` [, ``loc``]                    scale = median
``fixed``        ``value``                                       a deterministic time
===============  ==============================================  =========================

A :class:`StandbyGroup` keeps ``operating`` members running and the others in standby:
``cold`` members do not age, ``warm`` members age at ``dormancy`` times the operating rate
(an age-acceleration model: a warm member's life is measured in operating-equivalent hours),
``hot`` members age like running ones. When a running member fails the next standby member
(in the order given) is switched in: the switch works with probability ``switch_reliability``
(otherwise that member is lost to repair and the next one is tried) and takes
``switch_delay`` hours, during which the group is short of one member.

Examples
--------
>>> life = Lifetime("weibull", shape=2.0, scale=1000.0)
>>> round(life.mean, 2), round(float(life.sf(500.0)), 4)
(886.23, 0.7788)
>>> Lifetime("weibull", shape=-1, scale=10)
Traceback (most recent call last):
...
youzhi.errors.InputError: weibull: shape: must be > 0, got -1.0
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi.errors import InputError

#: Codes of the distributions in the numba kernel (youzhi.reliability._kernels_system).
LIFE_CODES = {"exponential": 0, "weibull": 1, "lognormal": 2, "normal": 3, "gamma": 4, "loglogistic": 5, "fixed": 6}

_PARAMETER_SETS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "exponential": ((("rate",), ("loc",)), (("mean",), ("loc",))),
    "weibull": ((("shape", "scale"), ("loc",)),),
    "lognormal": ((("mu_log", "sigma_log"), ("loc",)), (("mean", "std"), ("loc",))),
    "normal": ((("mean", "std"), ()),),
    "gamma": ((("shape", "scale"), ("loc",)), (("shape", "rate"), ("loc",))),
    "loglogistic": ((("shape", "scale"), ("loc",)),),
    "fixed": ((("value",), ()),),
}
_ALIASES = {"exp": "exponential", "log-normal": "lognormal", "gaussian": "normal", "log-logistic": "loglogistic",
            "fisk": "loglogistic", "deterministic": "fixed", "constant": "fixed"}
STANDBY_MODES = ("cold", "warm", "hot")


def _number(where: str, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{where}{field}: expected a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise InputError(f"{where}{field}: must be finite, got {v!r}")
    return v


class Lifetime:
    """A life or repair-time distribution on ``t >= 0``, usable by the exact and simulation methods.

    Parameters
    ----------
    distribution : str
        ``exponential``, ``weibull``, ``lognormal``, ``normal``, ``gamma``, ``loglogistic`` or ``fixed``.
    where : str, optional
        Prefix of error messages (file and field being read).
    **params : float
        One parameter set of the module table.

    Attributes
    ----------
    code : int
        Kernel code (:data:`LIFE_CODES`).
    kernel_params : tuple of float
        ``(a, b, loc)`` for the kernel sampler.
    mean : float
        Mean time.

    Examples
    --------
    >>> Lifetime("exponential", mean=900.0).kernel_params
    (0.0011111111111111111, 0.0, 0.0)
    """

    def __init__(self, distribution: str, *, where: str = "", **params: Any) -> None:
        if not isinstance(distribution, str):
            raise InputError(f"{where}distribution: expected a name, got {distribution!r}")
        key = _ALIASES.get(distribution.strip().lower(), distribution.strip().lower())
        if key not in _PARAMETER_SETS:
            raise InputError(f"{where}distribution: unknown {distribution!r}; accepted: {', '.join(_PARAMETER_SETS)}")
        self.distribution = key
        self.where = where or f"{key}: "
        whole = f"{where[:-1]}: " if where.endswith(".") else self.where
        self.params = {k: _number(self.where, k, v) for k, v in params.items()}
        given = set(self.params)
        for required, optional in _PARAMETER_SETS[key]:
            if set(required) <= given <= set(required) | set(optional):
                break
        else:
            accepted = " | ".join(", ".join(r) + "".join(f" [, {o}]" for o in opt) for r, opt in _PARAMETER_SETS[key])
            raise InputError(f"{whole}parameters {sorted(given)} do not fit {key!r}; accepted: {accepted}")
        loc = self.params.get("loc", 0.0)
        if loc < 0:
            raise InputError(f"{self.where}loc: must be >= 0, got {loc!r}")
        a, b = getattr(self, f"_{key}")()
        self.code = LIFE_CODES[key]
        self.kernel_params = (float(a), float(b), float(loc))
        self.mean = float(self._scipy().mean()) if key != "fixed" else a
        if not math.isfinite(self.mean):
            raise InputError(f"{whole}the mean time is infinite with these parameters (loglogistic needs shape > 1)")

    def _positive(self, field: str) -> float:
        v = self.params[field]
        if not v > 0:
            raise InputError(f"{self.where}{field}: must be > 0, got {v!r}")
        return v

    def _exponential(self) -> tuple[float, float]:
        if "rate" in self.params:
            return self._positive("rate"), 0.0
        return 1.0 / self._positive("mean"), 0.0

    def _weibull(self) -> tuple[float, float]:
        return self._positive("shape"), self._positive("scale")

    def _lognormal(self) -> tuple[float, float]:
        if "mu_log" in self.params:
            return self.params["mu_log"], self._positive("sigma_log")
        mean, std = self._positive("mean"), self._positive("std")
        zeta = math.sqrt(math.log1p((std / mean) ** 2))
        return math.log(mean) - 0.5 * zeta * zeta, zeta

    def _normal(self) -> tuple[float, float]:
        return self._positive("mean"), self._positive("std")

    def _gamma(self) -> tuple[float, float]:
        shape = self._positive("shape")
        return shape, (self._positive("scale") if "scale" in self.params else 1.0 / self._positive("rate"))

    def _loglogistic(self) -> tuple[float, float]:
        return self._positive("shape"), self._positive("scale")

    def _fixed(self) -> tuple[float, float]:
        return self._positive("value"), 0.0

    def _scipy(self) -> Any:
        """The frozen scipy distribution (built once: freezing costs about a millisecond)."""
        frozen = self.__dict__.get("_frozen")
        if frozen is None:
            frozen = self.__dict__["_frozen"] = self._freeze()
        return frozen

    def _freeze(self) -> Any:
        from scipy import stats

        a, b, loc = self.kernel_params
        key = self.distribution
        if key == "exponential":
            return stats.expon(loc=loc, scale=1.0 / a)
        if key == "weibull":
            return stats.weibull_min(a, loc=loc, scale=b)
        if key == "lognormal":
            return stats.lognorm(b, loc=loc, scale=math.exp(a))
        if key == "normal":
            return stats.truncnorm(-a / b, np.inf, loc=a, scale=b)
        if key == "gamma":
            return stats.gamma(a, loc=loc, scale=b)
        if key == "loglogistic":
            return stats.fisk(a, loc=loc, scale=b)
        raise AssertionError(key)

    def sf(self, t: Any) -> np.ndarray:
        """Survivor function ``R(t) = P(T > t)``."""
        t = np.asarray(t, dtype=float)
        if self.distribution == "fixed":
            return (t < self.kernel_params[0]).astype(float)
        return self._scipy().sf(t)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent times (NumPy; the kernels sample the same way)."""
        a, b, loc = self.kernel_params
        key = self.distribution
        if key == "exponential":
            return loc + rng.standard_exponential(size) / a
        if key == "weibull":
            return loc + b * rng.standard_exponential(size) ** (1.0 / a)
        if key == "lognormal":
            return loc + np.exp(a + b * rng.standard_normal(size))
        if key == "normal":
            out = a + b * rng.standard_normal(size)
            while (bad := out <= 0).any():
                out[bad] = a + b * rng.standard_normal(int(bad.sum()))
            return out
        if key == "gamma":
            return loc + b * rng.standard_gamma(a, size)
        if key == "loglogistic":
            u = rng.random(size)
            return loc + b * (u / (1.0 - u)) ** (1.0 / a)
        return np.full(size, a)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return f"Lifetime({self.distribution!r}, {params})"


@dataclass(frozen=True)
class Component:
    """A component: its life distribution and, if it is repaired, its repair-time distribution.

    Examples
    --------
    >>> Component("pump", Lifetime("exponential", mean=2000.0), Lifetime("fixed", value=4.0)).repairable
    True
    """

    name: str
    failure: Lifetime
    repair: Lifetime | None = None

    @property
    def repairable(self) -> bool:
        """Whether a failed component is repaired (as good as new)."""
        return self.repair is not None


@dataclass(frozen=True)
class StandbyGroup:
    """Members of which ``operating`` run and the rest wait in standby (see the module notes).

    Examples
    --------
    >>> StandbyGroup("pumps", ("p1", "p2"), mode="warm", dormancy=0.2).standby_factor
    0.2
    """

    name: str
    members: tuple[str, ...]
    mode: str = "cold"
    dormancy: float | None = None
    operating: int = 1
    switch_reliability: float = 1.0
    switch_delay: float = 0.0

    def __post_init__(self) -> None:
        where = f"standby group {self.name!r}: "
        if self.mode not in STANDBY_MODES:
            raise InputError(f"{where}mode: expected one of {', '.join(STANDBY_MODES)}, got {self.mode!r}")
        if self.mode == "warm":
            if self.dormancy is None or not 0 < self.dormancy <= 1:
                raise InputError(f"{where}dormancy: a warm group needs 0 < dormancy <= 1, got {self.dormancy!r}")
        elif self.dormancy is not None:
            raise InputError(f"{where}dormancy: only a warm group takes a dormancy factor ({self.mode} group)")
        if len(set(self.members)) != len(self.members):
            raise InputError(f"{where}members: a member is listed twice in {list(self.members)}")
        if isinstance(self.operating, bool) or not isinstance(self.operating, int) or not 1 <= self.operating < len(self.members):
            raise InputError(f"{where}operating: must be an integer from 1 to members - 1 ({len(self.members) - 1}), got {self.operating!r}")
        if not 0 <= self.switch_reliability <= 1:
            raise InputError(f"{where}switch_reliability: must be in [0, 1], got {self.switch_reliability!r}")
        if not (self.switch_delay >= 0 and math.isfinite(self.switch_delay)):
            raise InputError(f"{where}switch_delay: must be a finite number >= 0, got {self.switch_delay!r}")

    @property
    def standby_factor(self) -> float:
        """Ageing rate of a standby member relative to a running one (0 cold, 1 hot)."""
        return {"cold": 0.0, "hot": 1.0}.get(self.mode, self.dormancy or 0.0)
