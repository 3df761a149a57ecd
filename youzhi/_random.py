"""Seeds and random streams, the same way everywhere in youzhi.

Every stochastic function takes ``seed``: ``None``, an ``int``, a
``numpy.random.SeedSequence`` or a ``numpy.random.Generator``. Work that is split into
blocks gets one independent stream per block from :meth:`numpy.random.SeedSequence.spawn`,
never a seed made by adding an offset, so the answer does not depend on how many workers run
the blocks.
"""

from __future__ import annotations

import numbers

import numpy as np

from youzhi.errors import InputError

SeedLike = None | int | np.random.SeedSequence | np.random.Generator


def seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Return a ``SeedSequence`` for ``seed``.

    A ``Generator`` is turned into a sequence by drawing entropy from it (this advances it).

    Examples
    --------
    >>> seed_sequence(1).entropy
    1
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return np.random.SeedSequence(int(seed))
    raise InputError(f"seed: expected a non-negative integer, a SeedSequence or a Generator, got {seed!r}")


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``seed`` (a Generator is returned as is).

    Examples
    --------
    >>> float(as_generator(3).random()) == float(as_generator(3).random())
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_sequence(seed))


def block_seeds(seed: SeedLike, n_blocks: int) -> list[np.random.SeedSequence]:
    """One independent ``SeedSequence`` per block, from ``SeedSequence.spawn``.

    Block ``i`` gets the same stream for the same ``seed`` whatever the number of workers.

    Examples
    --------
    >>> a = block_seeds(7, 4); b = block_seeds(7, 4)
    >>> [s.generate_state(1)[0] for s in a] == [s.generate_state(1)[0] for s in b]
    True
    """
    return seed_sequence(seed).spawn(int(n_blocks))


def seed_repr(seed: SeedLike) -> int | None:
    """The integer to report as ``seed`` in results (``None`` when it was not an integer)."""
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return int(seed)
    if isinstance(seed, np.random.SeedSequence) and isinstance(seed.entropy, int):
        return int(seed.entropy)
    return None
