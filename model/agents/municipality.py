"""A municipality: its voluntary-sector policy and linking ties to organisations (FACTS §4.8)."""

from __future__ import annotations

import mesa

from model.mechanisms.ties import update_links


class Municipality(mesa.Agent):
    def __init__(self, model, idx: int, voluntary_policy: bool = False):
        super().__init__(model)
        self.idx = int(idx)
        self.voluntary_policy = bool(voluntary_policy)

    def step(self) -> None:
        """Linking ties with this municipality's organisations form and lapse."""
        update_links(self.model, self.idx, self.voluntary_policy)

    @property
    def linked_organisations(self):
        o = self.model.orgs
        return [i for i in range(len(o)) if o.municipality[i] == self.idx and o.linked[i] and o.active[i]]
