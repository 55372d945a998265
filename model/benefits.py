"""Who receives what: the resources each person got from each intervention, month by month.

Each row of ``benefits.parquet`` is one person, one intervention, one month and the value in NOK
(a course seat, a leisure-card payment, mentor hours, a share of a grant to their organisation).
Persons die and emigrate before the run ends, so each row carries the person's uid (``person_id``,
as in the persons table) and their household, background, origin, region, age and income decile
*at the time of receipt*: incidence can be read without joining to the end-of-run persons table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.state import BACKGROUNDS

COLUMNS = ("person_id", "intervention", "month", "nok", "household_id", "background", "origin",
           "region", "age", "income_decile", "low_income")


class BenefitLog:
    def __init__(self, model):
        self.model = model
        self._chunks: list[tuple] = []

    def record(self, persons: np.ndarray, label: str, month: int, nok: np.ndarray) -> None:
        p = self.model.people
        self._chunks.append((p.uid[persons], label, month, np.asarray(nok, np.float64).copy(),
                             p.household[persons].copy(), p.background[persons].copy(),
                             p.origin[persons].copy(), p.age[persons].copy(),
                             p.income_decile[persons].copy(), p.low_income[persons].copy()))

    def __len__(self) -> int:
        return sum(len(c[0]) for c in self._chunks)

    def table(self) -> pd.DataFrame:
        origins = self.model.origins
        if not self._chunks:
            return pd.DataFrame({
                "person_id": pd.Series([], dtype="int64"), "intervention": pd.Series([], dtype="object"),
                "month": pd.Series([], dtype="int64"), "nok": pd.Series([], dtype="float64"),
                "household_id": pd.Series([], dtype="int64"),
                "background": pd.Categorical([], categories=BACKGROUNDS),
                "origin": pd.Series([], dtype="object"), "region": pd.Series([], dtype="object"),
                "age": pd.Series([], dtype="float64"), "income_decile": pd.Series([], dtype="int64"),
                "low_income": pd.Series([], dtype="bool")})
        cat = lambda i: np.concatenate([c[i] for c in self._chunks])
        n = [len(c[0]) for c in self._chunks]
        origin = cat(6)
        return pd.DataFrame({
            "person_id": cat(0).astype(np.int64),
            "intervention": np.repeat([c[1] for c in self._chunks], n).astype(object),
            "month": np.repeat([c[2] for c in self._chunks], n).astype(np.int64),
            "nok": np.round(cat(3), 2),
            "household_id": cat(4).astype(np.int64),
            "background": pd.Categorical.from_codes(cat(5), BACKGROUNDS),
            "origin": origins["group"].to_numpy()[origin].astype(object),
            "region": origins["region"].to_numpy()[origin].astype(object),
            "age": np.round(cat(7).astype(np.float64), 2),
            "income_decile": cat(8).astype(np.int64),
            "low_income": cat(9).astype(bool),
        })
