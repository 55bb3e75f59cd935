"""Streamlit entry point (started by `antt-map serve`)."""

from __future__ import annotations

import streamlit as st

from geodata.errors import AnttError
from geodata.query import data_years, query_view
from geodata.store import GpkgStore, resolve_store
from geodata.view import METRICS, MapView

st.set_page_config(page_title="Bản đồ mô hình tự quản về ANTT", layout="wide")
st.title("Bản đồ mô hình tự quản về an ninh trật tự")

try:
    store = GpkgStore.open(resolve_store())
    first, last = data_years(store)
    metric = st.sidebar.selectbox("Chỉ tiêu", list(METRICS), format_func=lambda k: METRICS[k].label)
    year = st.sidebar.slider("Năm", first, last, last)
    result = query_view(store, MapView(metric, "province", year, year))
    st.caption(f"{result.area_name} — {result.view.period_label} — ranh giới {result.version.version}")
    st.dataframe(result.rows[["code", "name", "value"]], hide_index=True)
except AnttError as err:
    st.error(str(err))
