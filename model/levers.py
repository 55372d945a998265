"""The mechanism levers interventions act on.

An intervention never sets an outcome (who takes part, who is tied to whom); it moves a lever that a
mechanism reads: a fee paid by someone else, an extra language gain, how far organisations look
outside their own networks, what information reaches whom, who meets whom. All levers are reset to
their neutral value at the start of every month; only the interventions active that month move
them again. So an intervention outside its start and end months does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

FeeCover = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


class Levers:
    """Per-person and per-organisation levers, neutral unless an active intervention moves them.

    Person levers: ``language_gain`` (extra monthly share of the Norwegian gap closed, read by
    :mod:`model.mechanisms.language`), ``literacy_gain`` (extra monthly share of the dugnad-literacy
    gap closed, same module), ``info`` (extra information about organisations, 0–1, read by
    the self-joining step of :mod:`model.mechanisms.recruitment`), ``job_finding`` (multiplier on the
    job-finding rate, :mod:`model.mechanisms.employment`), ``programme_hours`` (hours of volunteer
    work the person gives this month as a mentor, guide or café host of an intervention, within their
    time; :meth:`model.interventions.base.Intervention.volunteer_time`, read by
    :mod:`model.mechanisms.hours`).

    Organisation levers: ``openness_extra`` (added chance of asking outside one's own ties),
    ``ask_boost`` (multiplier on asking), ``activity`` (multiplier on meetings and asking: what a
    grant or shared premises buys), ``link_boost`` (multiplier on gaining a linking tie),
    ``invite`` (multiplier on under-represented members being asked to do unpaid work),
    ``volunteer_ask`` (multiplier on any member being asked to do unpaid work: mobilisation),
    ``self_recruitment`` (NaN = the scenario's; else the chance offices go to the board's ties),
    ``open_board`` (the sitting board does not prefer people like themselves), ``trial_months``
    (months a newcomer takes part free of charge), ``targeted`` (share of outside asks aimed at
    ``target_groups``, the under-represented persons grouped by neighbourhood).

    ``meetings``: extra meetings this month as (a, b, affinity) arrays; the tie mechanism treats them
    like meetings in a focus, with the formation chance multiplied by ``affinity``.
    ``fee_covers``: functions (persons, orgs, gross fee) → NOK paid by someone else.
    """

    PERSON = {"language_gain": 0.0, "literacy_gain": 0.0, "info": 0.0, "job_finding": 1.0, "programme_hours": 0.0}
    ORG = {"openness_extra": 0.0, "ask_boost": 1.0, "activity": 1.0, "link_boost": 1.0, "invite": 1.0, "volunteer_ask": 1.0,
           "self_recruitment": np.nan, "open_board": False, "trial_months": 0, "targeted": 0.0}

    def __init__(self, n_persons: int, n_orgs: int):
        self.n_persons, self.n_orgs = n_persons, n_orgs
        for k, v in self.PERSON.items():
            setattr(self, k, np.full(n_persons, v, np.float64))
        for k, v in self.ORG.items():
            dt = bool if isinstance(v, bool) else (np.int32 if isinstance(v, int) else np.float64)
            setattr(self, k, np.full(n_orgs, v, dt))
        self.reset()

    def reset(self) -> None:
        for k, v in self.PERSON.items():
            getattr(self, k).fill(v)
        for k, v in self.ORG.items():
            getattr(self, k).fill(v)
        self.meetings: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.fee_covers: list[FeeCover] = []
        self.target_groups = None  # persons an organisation's targeted outside asks go to, by neighbourhood

    def grow(self, n_persons: int) -> None:
        for k, v in self.PERSON.items():
            old = getattr(self, k)
            setattr(self, k, np.concatenate([old, np.full(n_persons - len(old), v, old.dtype)]))
        self.n_persons = n_persons

    def grow_orgs(self, n_orgs: int) -> None:
        """Organisations were founded: organisation levers grow to ``n_orgs`` rows, neutral."""
        for k, v in self.ORG.items():
            old = getattr(self, k)
            setattr(self, k, np.concatenate([old, np.full(n_orgs - len(old), v, old.dtype)]))
        self.n_orgs = n_orgs

    def keep(self, mask: np.ndarray) -> None:
        """Persons left: keep the rows of those who stay."""
        for k in self.PERSON:
            setattr(self, k, getattr(self, k)[mask])
        self.n_persons = int(mask.sum())

    def meet(self, a: np.ndarray, b: np.ndarray, affinity: float | np.ndarray = 1.0) -> None:
        a = np.asarray(a, np.int64)
        b = np.asarray(b, np.int64)
        self.meetings.append((a, b, np.broadcast_to(np.asarray(affinity, np.float64), a.shape).copy()))

    def fee_cover(self, persons: np.ndarray, orgs: np.ndarray, gross: np.ndarray) -> np.ndarray:
        """NOK of each gross fee paid by someone else (never more than the fee). Free trial months
        are applied in :func:`model.mechanisms.barriers.fee`, which knows when a person joined."""
        covered = np.zeros(len(persons))
        if not len(persons):
            return covered
        for cover in self.fee_covers:
            covered = covered + cover(persons, orgs, gross - covered)
        return np.minimum(covered, gross)
