"""What every intervention shares: when it acts, its cost ledger and the benefits it hands out.

An intervention is a small object with ``apply(model)``, called once a month while
``start_month ≤ month < end_month``, before the mechanisms run. It moves levers
(:class:`model.levers.Levers`) or structural facts of organisations (a group that registers stays
registered) — never an outcome. It books what it spends (``spend``) and what persons receive
(``give``): the first feeds the cost columns of the time series and the manifest, the second
``benefits.parquet`` (who a measure reaches).
"""

from __future__ import annotations

import numpy as np

from model.schema import InterventionParams


class Intervention:
    """Base class. Subclasses set ``params_class`` and implement :meth:`apply`."""

    params_class: type[InterventionParams] = InterventionParams

    def __init__(self, model, params: InterventionParams):
        self.params = params
        self.label = params.label
        self.stream_prefix = f"intervention:{self.label}"   # its random streams (model.streams)
        self.model = model
        self.cost_nok = 0.0        # cumulative spending
        self.benefit_nok = 0.0     # cumulative value received by persons
        self.reached: set[int] = set()  # uids of persons who received something (for the manifest)

    # ---------------------------------------------------------------- timing
    def active(self, month: int) -> bool:
        p = self.params
        return month >= p.start_month and (p.end_month is None or month < p.end_month)

    def step(self, model) -> None:
        if self.active(model.month):
            self.spend(self.params.admin_nok_per_year / 12.0)
            self.apply(model)
        else:
            self.idle(model)

    def apply(self, model) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def idle(self, model) -> None:
        """Called in months outside the active window (ending enrolments and the like)."""

    def assumed_effect(self) -> str | None:
        """What this intervention's effect size assumes where the research gives no effect (the
        knowledge review calls the effects of mentoring, formalisation's inward turn and
        co-creation unknown); every comparison report flags it. None: the levers rest on findings."""
        return None

    def settle(self, model) -> None:
        """Called in active months after every intervention has applied (payments that depend on
        other interventions' levers, e.g. fees already waived by a free trial)."""

    def grow(self, n_persons: int) -> None:
        """Called when births or arrivals add persons; extend per-person state."""

    def grow_orgs(self, n_orgs: int) -> None:
        """Called when organisations are founded (rows appended, ids never reused); extend
        per-organisation state. Folded organisations keep their rows (``orgs.active`` false)."""

    def grow_households(self, n_households: int) -> None:
        """Called when households form (moving out, couples, arrivals); extend per-household state."""

    person_arrays: tuple[str, ...] = ()   # attributes with one entry per person (kept in step with persons)

    def keep(self, mask: np.ndarray, remap: np.ndarray) -> None:
        """Called when persons die or emigrate: ``mask`` marks the rows that stay, ``remap[old]`` is
        the new row (-1 for those gone). Per-person arrays keep the rows that stay."""
        for name in self.person_arrays:
            setattr(self, name, getattr(self, name)[mask])

    def report(self) -> dict:
        """Counts of the intervention's own activity for the manifest (enrolments, meetings ...)."""
        return {}

    # ---------------------------------------------------------------- bookkeeping
    def spend(self, nok: float) -> None:
        self.cost_nok += float(nok)

    def give(self, persons: np.ndarray, nok: float | np.ndarray, *, cost: bool = True) -> None:
        """Persons receive resources worth ``nok`` each this month (recorded in benefits.parquet);
        ``cost``: the value is also spent by the programme (false for unpaid volunteer time)."""
        persons = np.asarray(persons, np.int64)
        if not len(persons):
            return
        nok = np.broadcast_to(np.asarray(nok, np.float64), persons.shape)
        keep = nok > 0
        persons, nok = persons[keep], nok[keep]
        if not len(persons):
            return
        self.model.benefits.record(persons, self.label, self.model.month, nok)
        total = float(nok.sum())
        self.benefit_nok += total
        if cost:
            self.cost_nok += total
        self.reached.update(self.model.people.uid[persons].tolist())

    def volunteer_time(self, volunteers: np.ndarray, hours: float | np.ndarray) -> np.ndarray:
        """Volunteers of the intervention give ``hours`` this month each, as far as their time
        allows (:func:`model.mechanisms.hours.time_cap`, less what they already give to programmes
        this month); returns the hours given, which count in their ``volunteer_hours``
        (:mod:`model.mechanisms.hours`) and are what the intervention values."""
        from model.mechanisms.hours import time_cap

        volunteers = np.asarray(volunteers, np.int64)
        hours = np.broadcast_to(np.asarray(hours, np.float64), volunteers.shape)
        lv = self.model.levers
        room = np.maximum(0.0, time_cap(self.model, volunteers) - lv.programme_hours[volunteers])
        given = np.zeros(len(volunteers))
        left: dict[int, float] = {}
        for i, v in enumerate(volunteers.tolist()):   # in order: a volunteer may appear more than once
            r = left.get(v, float(room[i]))
            given[i] = min(float(hours[i]), r)
            left[v] = r - given[i]
        np.add.at(lv.programme_hours, volunteers, given)
        return given

    def give_to_org(self, org_ids: np.ndarray, nok: np.ndarray) -> None:
        """Resources to organisations, apportioned equally to the persons active in each that month
        (so that benefits.parquet shows whom organisation-level money reaches)."""
        R = self.model.roster()
        org_ids = np.asarray(org_ids, np.int64)
        nok = np.asarray(nok, np.float64)
        self.spend(float(nok.sum()))
        for o, amount in zip(org_ids, nok):
            members = R.person[R.indptr[o]:R.indptr[o + 1]]
            if len(members) and amount > 0:
                self.give(members, amount / len(members), cost=False)
