"""Small independent re-computations the tests compare the core query against."""

from __future__ import annotations

import pandas as pd


def active_models(store, year_from: int, year_to: int, communes=None) -> pd.DataFrame:
    """Models active at any time in the period (optionally only in `communes`),
    filtered directly on the stored table, not through geodata.query."""
    m = store.table("models")
    active = m[(m.start_year <= year_to) & (m.end_year.isna() | (m.end_year >= year_from))]
    return active if communes is None else active[active.commune_code.isin(communes)]
