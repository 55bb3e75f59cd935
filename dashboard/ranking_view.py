"""The ranking table on the page: one page of rows at a time, a search box, and the
full CSV/XLSX built only when its button is clicked.

Sending all 10,040 communes as a data frame cost 1.26 MB on every filter change; a
page of rows is a few kilobytes, and the downloads still hold every row.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard.format import fmt_decimal, fmt_int
from dashboard.safe_text import html_table, md
from dashboard.tables import ranking, to_csv_bytes, to_xlsx_bytes
from geodata.names import fold
from geodata.query import ViewResult
from geodata.shared import SharedCache

PAGE_ROWS = 20
SEARCH, PAGE = "rank_search", "rank_page"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def search_rows(table: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose name or code contains `text`, with or without diacritics."""
    words = fold(text)
    if not words:
        return table
    names = table["Tên đơn vị"].map(fold)
    return table[names.str.contains(words, regex=False) | table["Mã"].astype(str).eq(text.strip())]


def _readable(part: pd.DataFrame) -> pd.DataFrame:
    """Numbers written the Vietnamese way ("4.778", "81,46"), empty as "–"."""
    out = part.copy()  # the cached table is shared: never written to
    for col in out.columns:
        if col in ("Hạng", "Mã") or not pd.api.types.is_numeric_dtype(out[col]):
            continue
        values = pd.to_numeric(out[col], errors="coerce").astype(float)
        whole = bool((values.dropna() % 1 == 0).all())
        out[col] = [fmt_int(v) if whole else fmt_decimal(v, 2) for v in values]
    out["Hạng"] = out["Hạng"].astype("string").fillna("–")
    return out


# Streamlit's own table look, so the ranking reads like the rest of the page
TABLE_CSS = """<style>
.antt-rank-wrap { overflow-x: auto; margin-bottom: .5rem; }
.antt-rank { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.antt-rank th { text-align: left; font-weight: 600; color: rgba(49, 51, 63, .75);
  vertical-align: bottom; border-bottom: 1px solid rgba(49, 51, 63, .2); padding: .4rem .6rem; }
.antt-rank td { border-bottom: 1px solid rgba(49, 51, 63, .1); padding: .35rem .6rem;
  white-space: nowrap; }
.antt-rank .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.antt-rank tbody tr:hover { background: rgba(49, 51, 63, .04); }
</style>"""

_TABLES = SharedCache(32)  # (store, revision, view) -> the full ranking


def render_ranking(store, result: ViewResult) -> None:
    view = result.view
    metric = view.metric_info
    st.subheader("Xếp hạng các đơn vị")
    key = (store.location, store.revision, view, result.version.version)
    table = _TABLES.get(key, lambda: ranking(result, store.units(result.version.version)))
    c1, c2 = st.columns([3, 1])
    text = c1.text_input(
        "Tìm đơn vị trong bảng", key=SEARCH, placeholder="gõ tên, có dấu hoặc không"
    )
    shown = search_rows(table, text)
    pages = max(1, math.ceil(len(shown) / PAGE_ROWS))
    if st.session_state.get(PAGE, 1) > pages:  # a filter or a search left fewer pages
        st.session_state[PAGE] = pages
    page = c2.number_input(f"Trang (trên {pages})", 1, pages, key=PAGE, step=1)
    start = (int(page) - 1) * PAGE_ROWS
    part = shown.iloc[start : start + PAGE_ROWS]
    # a plain table: text a projector shows large, copyable, and no data-grid bundle to
    # load; one HTML element with every cell escaped (see safe_text.html_table)
    numeric = {c for c in part.columns if pd.api.types.is_numeric_dtype(part[c])} | {"Hạng"}
    st.html(TABLE_CSS)
    st.html(html_table(_readable(part), frozenset(numeric), "antt-rank"))
    if len(shown):
        st.caption(
            f"Đơn vị {start + 1}–{start + len(part)} trong {len(shown):,} đơn vị".replace(",", ".")
            + (f" khớp “{md(text.strip())}”" if text.strip() else "")
            + ". Tệp tải về có đủ mọi đơn vị."
        )
    else:
        st.caption(f"Không có đơn vị nào khớp “{md(text.strip())}”.")
    title = f"{metric.label} — {result.area_name} — {view.period_label}"
    stem = f"xep-hang_{view.metric}_{view.area or 'toan-quoc'}_{view.year_from}-{view.year_to}"
    d1, d2, _ = st.columns([1, 1, 4])
    # callables: the files are built when a button is clicked, not on every rerun
    d1.download_button(
        "Tải CSV", lambda: to_csv_bytes(table), f"{stem}.csv", "text/csv", on_click="ignore"
    )
    d2.download_button(
        "Tải Excel (XLSX)",
        lambda: to_xlsx_bytes(table, title),
        f"{stem}.xlsx",
        XLSX,
        on_click="ignore",
    )
