"""Common random numbers: every random decision after the build draws from a named stream, keyed.

A paired comparison (``dugnad compare``) runs the baseline and a scenario with the same seed. With
one shared generator, an intervention that changes a single draw shifts every later draw of every
person, so the two runs drift apart through noise alone. Here a draw is a pure function of

    (seed, stream name, month, key, salt...)

— a person's draw for "accepts an ask" in month 37 is the same number in every run with that seed
whatever anyone else did and however many people there are, unless the scenario changed what that
person faces (Starsim's common random numbers, Klein et al. 2024). Keys are per person
(``people.key``), per organisation (``orgs.key``) or per pair of them; persons born or arriving
during a run get keys derived from their mother's key or their arrival's origin group, month and
place in line (:func:`derive`), never a running counter, so they shift nobody else's.

The uniforms come from a counter-based hash (the SplitMix64 finaliser of Steele et al. 2014,
applied once per key part), vectorised in NumPy: cost proportional to the number of draws, no
state to save. ``model.rng`` (Mesa's generator) is used only to build the population.
"""

from __future__ import annotations

import hashlib

import numpy as np
from scipy.special import ndtri

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_TO_UNIT = 2.0 ** -53


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64, in place (wrap-around arithmetic is what it needs)."""
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def _mix_int(z: int) -> int:
    """The same finaliser on a Python integer (for the parts shared by every key)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _as_u64(x) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "iub":
        raise TypeError(f"stream keys and salts are integers, not {a.dtype}")
    return np.atleast_1d(a).astype(np.int64, copy=False).view(np.uint64)


def _name_code(seed: int, name: str) -> int:
    digest = hashlib.blake2b(f"{seed}/{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def hash_keys(base: int, *parts) -> np.ndarray:
    """One 64-bit hash per element of the broadcast ``parts`` (integer arrays or scalars). Leading
    scalar parts are folded into the base in Python; each array part costs one mix."""
    h = base & _MASK
    parts = list(parts)
    while parts and np.ndim(parts[0]) == 0:
        h = _mix_int(h ^ ((int(parts.pop(0)) + _GOLDEN) & _MASK))
    if not parts:
        return np.array([h], np.uint64)
    with np.errstate(over="ignore"):
        out = _as_u64(parts[0]) ^ np.uint64(h)   # a new array: keys are never modified
        out += np.uint64(_GOLDEN)
        _mix(out)
        for part in parts[1:]:
            out = out ^ (_as_u64(part) + np.uint64(_GOLDEN))
            _mix(out)
    return out


def derive(tag: str, *parts) -> np.ndarray:
    """Keys for new persons or organisations, from what made them (e.g. ``derive("birth",
    mother_key, month)``): the same parents and month give the same key in every run and seed."""
    return hash_keys(_name_code(0, tag), *parts)


class Streams:
    """The model's named random streams (one object per model, pickled with it in checkpoints).

    ``month`` is the model month the draws belong to; :meth:`model.model.DugnadModel.step` sets it.
    Every method takes a stream ``name`` (``"<mechanism>.<decision>"``), the ``keys`` of whoever
    decides (one draw per key), and optional integer ``salt`` parts for several draws of one key in
    one month (a slot number, the other side of a pair).
    """

    def __init__(self, seed: int):
        self.seed = int(seed)
        self.month = 0
        self._codes: dict[str, int] = {}

    def _base(self, name: str) -> int:
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = _name_code(self.seed, name)
        return code

    def uniform(self, name: str, keys, *salt) -> np.ndarray:
        """Uniforms in [0, 1), one per key."""
        h = hash_keys(self._base(name), self.month, keys, *salt)
        h >>= np.uint64(11)
        u = h.astype(np.float64)
        u *= _TO_UNIT
        return u if np.ndim(keys) or any(np.ndim(x) for x in salt) else float(u[0])

    def pairs(self, name: str, keys, *salt):
        """Draws for a chooser and each candidate: returns ``draw(rows, others)``, equal to
        ``uniform(name, keys[rows], *(s[rows] for s in salt), others)`` but with the choosers' part
        hashed once (a chooser usually faces many candidates, :func:`model.roster.lowest_in_segments`)."""
        h = hash_keys(self._base(name), self.month, keys, *salt)

        def draw(rows, others) -> np.ndarray:
            with np.errstate(over="ignore"):
                out = h[rows] ^ (_as_u64(others) + np.uint64(_GOLDEN))
                _mix(out)
            out >>= np.uint64(11)
            return out.astype(np.float64) * _TO_UNIT
        return draw

    def chance(self, name: str, keys, p, *salt) -> np.ndarray:
        """True with probability ``p`` (scalar or per key)."""
        return self.uniform(name, keys, *salt) < p

    def normal(self, name: str, keys, mean=0.0, sd=1.0, *salt) -> np.ndarray:
        u = self.uniform(name, keys, *salt)
        return mean + sd * ndtri(np.clip(u, 1e-12, 1 - 1e-12))

    def below(self, name: str, keys, n, *salt) -> np.ndarray:
        """Integers uniform in 0..n-1 (``n`` scalar or per key, ≥ 1)."""
        return np.minimum((self.uniform(name, keys, *salt) * n).astype(np.int64), np.asarray(n) - 1)

    def order(self, name: str, keys, *salt) -> np.ndarray:
        """A random order of the keys (indices into ``keys``): each key's place follows from its own
        draw, so adding or removing others does not reorder the rest."""
        return np.argsort(self.uniform(name, keys, *salt), kind="stable")

    def generator(self, name: str, keys, *salt) -> np.random.Generator:
        """A NumPy generator for draws that the keyed methods do not cover (the traits of a batch
        of newborns, a new organisation's profile), seeded from the stream, month and the batch's
        keys: the same batch in the same month draws the same values in every run."""
        h = hash_keys(self._base(name), self.month, np.asarray(keys, np.int64).ravel(), *salt)
        return np.random.default_rng(np.random.SeedSequence([int(x) for x in h[: 1 << 16]]))

    def weighted_sample(self, name: str, keys, weights, k: int, *salt) -> np.ndarray:
        """Indices of ``k`` keys drawn without replacement with chance proportional to ``weights``
        (Efraimidis & Spirakis 2006: the k smallest −log(u)/w), so whether a key is drawn depends
        on its own draw and on the others' only through k and their draws."""
        w = np.asarray(weights, float)
        ok = np.flatnonzero(w > 0)
        k = min(int(k), len(ok))
        if k <= 0:
            return np.empty(0, np.int64)
        score = -np.log1p(-self.uniform(name, np.asarray(keys)[ok], *salt)) / w[ok]
        return ok[np.argpartition(score, k - 1)[:k]] if k < len(ok) else ok
