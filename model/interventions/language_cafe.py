"""Language cafés: volunteer-run Norwegian practice.

FACTS §4.4, §5: language grows with practice in mixed settings — language cafés and walking groups
run by volunteers (volunteer centres, humanitarian and church organisations).

Each municipality's host organisation (by default its volunteer centre) holds ``sessions_per_month``
sessions. People in the target hear of the café and come with a monthly chance
``join_rate × information`` (information: dugnad literacy, ties, ``levers.info``) until the
café is full (``capacity`` regulars per café); regulars stop coming with ``quit_rate``.

Levers: ``levers.language_gain`` (``gain_per_session`` per session) and meetings with the host's
volunteers (``levers.meetings``), which become ties — mostly bridging — only through the ordinary
tie-formation mechanism (shared language, homophily).

Cost: ``nok_per_session`` (room, coffee). One host volunteer per ``regulars_per_volunteer`` regulars
runs the month's sessions, giving the hours their time allows (they count in the hosts'
``volunteer_hours``, :mod:`model.mechanisms.hours`); those hours are valued at ``volunteer_hour_nok``
per hour and booked as the regulars' benefit (unpaid, so not a cost).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import binomial, draw, meet_random, poisson
from model.schema import CAPACITY, NOK, InterventionParams, P, Target
from model.state import KINDS, VOLUNTEER


class Params(InterventionParams):
    """Volunteer-run language café in every municipality."""

    type: Literal["language_cafe"] = "language_cafe"
    target: Target = P(Target(backgrounds=["immigrant"], age_min=16, max_norwegian=0.85), "setting",
                       "who may come (default: immigrants 16+ with Norwegian ≤ 0.85)")
    host: Literal["volunteer_centre", "humanitarian", "religious"] = P("volunteer_centre", "setting", "kind of organisation whose volunteers run the café (FACTS §5)")
    sessions_per_month: float = P(4.0, "assumption", "sessions held per month", ge=0, le=31)
    capacity: int = P(25, "assumption", "regulars per café", ge=0, le=CAPACITY)
    join_rate: float = P(0.05, "assumption", "monthly chance a fully informed person in the target starts coming", ge=0, le=1)
    quit_rate: float = P(0.1, "assumption", "monthly chance a regular stops coming", ge=0, le=1)
    gain_per_session: float = P(0.001, "assumption", "extra share of the Norwegian gap closed per session attended", ge=0, le=0.1)
    meetings_per_session: float = P(0.5, "assumption", "volunteers a regular talks with per session (extra meetings)", ge=0, le=10)
    session_hours: float = P(2.0, "assumption", "hours per session", gt=0, le=12)
    regulars_per_volunteer: float = P(4.0, "assumption", "regulars per volunteer at a table", ge=0.1, le=100)
    nok_per_session: float = P(500.0, "assumption", "running cost per session (room, coffee), NOK", ge=0, le=NOK)
    volunteer_hour_nok: float = P(300.0, "assumption", "value of one volunteer hour, NOK (benefit to regulars, not a cost)", ge=0, le=NOK)


class LanguageCafe(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.regular = np.zeros(len(model.people), bool)
        self.hosts = {}
        kind = KINDS.index(params.host)
        o = model.orgs
        for m in range(model.n_municipalities):
            mine = np.flatnonzero((o.municipality == m) & (o.kind == kind))
            if len(mine):
                self.hosts[m] = int(mine[0]) if params.host == "volunteer_centre" else mine
        self.visits = 0

    person_arrays = ("regular",)

    def grow(self, n_persons: int) -> None:
        self.regular = np.concatenate([self.regular, np.zeros(n_persons - len(self.regular), bool)])

    def _host_volunteers(self, model, m: int) -> np.ndarray:
        R = model.roster()
        hosts = np.atleast_1d(self.hosts[m])
        sel = np.isin(R.org, hosts) & (R.role >= VOLUNTEER)
        return np.unique(R.person[sel]).astype(np.int64)

    def apply(self, model) -> None:
        p, pr, S, L = model.people, self.params, model.streams, self.stream_prefix
        # a regular whose row was taken over by a new household is not a regular
        self.regular &= ~(p.arrived_month == model.month)
        regs = np.flatnonzero(self.regular)
        self.regular[regs[S.chance(f"{L}.quit", p.key[regs], pr.quit_rate)]] = False
        inside = pr.target.mask(model)
        self.regular &= inside
        bond, bridge = model.tie_counts()
        info = np.minimum(1.0, 0.5 * p.literacy + 0.3 * np.minimum(1.0, (bond + bridge) / 5.0) + model.levers.info)
        n_sessions = int(np.ceil(pr.sessions_per_month))
        for m, _ in self.hosts.items():
            vols = self._host_volunteers(model, m)
            if not len(vols):
                continue  # no volunteers, no café
            here = p.municipality == m
            room = pr.capacity - int((self.regular & here).sum())
            cand = np.flatnonzero(inside & here & ~self.regular)
            comes = cand[S.chance(f"{L}.comes", p.key[cand], pr.join_rate * info[cand])]
            if room > 0 and len(comes):
                self.regular[draw(S, f"{L}.seat", comes, p.key[comes], np.ones(len(comes)), room)] = True
            who = np.flatnonzero(self.regular & here)
            if not len(who):
                continue
            sessions = binomial(S, f"{L}.sessions", p.key[who], n_sessions, min(1.0, pr.sessions_per_month / max(n_sessions, 1)))
            model.levers.language_gain[who] += pr.gain_per_session * sessions
            talks = poisson(S, f"{L}.talks", p.key[who], pr.meetings_per_session * sessions)
            meet_random(model, f"{L}.volunteer", who, talks, vols)
            self.spend(pr.nok_per_session * pr.sessions_per_month)
            # one host per regulars_per_volunteer regulars runs every session, as far as their time allows;
            # the hours given are valued as the regulars' benefit, in proportion to the sessions they came to
            k = min(len(vols), int(np.ceil(len(who) / pr.regulars_per_volunteer)))
            hosts = vols[S.order(f"{L}.hosts", p.key[vols])][:k]
            hours = self.volunteer_time(hosts, pr.sessions_per_month * pr.session_hours).sum()
            if sessions.sum() > 0:
                self.give(who, hours * pr.volunteer_hour_nok * sessions / sessions.sum(), cost=False)
            self.visits += int(sessions.sum())

    def idle(self, model) -> None:
        self.regular[:] = False

    def report(self) -> dict:
        return {"visits": self.visits}
