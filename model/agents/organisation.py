"""A voluntary organisation: kind, formal or informal, fee, language and commitment demand, board,
recruitment openness, linking tie to the municipality, age profile."""

from __future__ import annotations

import mesa

from model.state import AGE_PROFILES, KINDS, OFFICE


class Organisation(mesa.Agent):
    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = int(idx)

    def _col(self, name):
        return getattr(self.model.orgs, name)[self.idx]

    kind = property(lambda self: KINDS[self._col("kind")])
    formal = property(lambda self: bool(self._col("formal")))
    minority = property(lambda self: bool(self._col("minority")))
    linked = property(lambda self: bool(self._col("linked")))
    age_profile = property(lambda self: AGE_PROFILES[self._col("age_profile")])
    fee_adult = property(lambda self: float(self._col("fee_adult")))

    @property
    def members(self):
        R = self.model.roster()
        return R.person[R.indptr[self.idx]:R.indptr[self.idx + 1]]

    @property
    def office_holders(self):
        R = self.model.roster()
        sl = slice(R.indptr[self.idx], R.indptr[self.idx + 1])
        return R.person[sl][R.role[sl] == OFFICE]

    def __repr__(self) -> str:
        return f"<Organisation {self.idx} {self.kind} {'formal' if self.formal else 'informal'} members={len(self.members)}>"
