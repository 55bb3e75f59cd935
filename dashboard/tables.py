"""The ranking table of a view and its CSV / XLSX downloads (no Streamlit); every
cell goes through `safe_frame`, so a unit name is never written as a formula."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Font

from geodata.query import ViewResult
from loaders.sheets import safe_cell, safe_frame

COLUMNS_VI = {
    "rank": "Hạng",
    "code": "Mã",
    "name": "Tên đơn vị",
    "model_count": "Số mô hình",
    "model_units": "Số đơn vị mô hình",
    "model_density": "Mô hình/100 km²",
    "n_communes": "Số xã",
    "certified_count": "Xã đạt chuẩn ANTT",
    "certified_share": "Tỷ lệ đạt chuẩn (%)",
    "hotspot_count": "Xã trọng điểm",
    "transitioned_count": "Đã chuyển hóa",
    "transitioned_share": "Tỷ lệ chuyển hóa (%)",
}


def ranking(result: ViewResult) -> pd.DataFrame:
    """Units sorted by the view's metric (highest first, no-data last), Vietnamese headers."""
    r = result.rows.sort_values(
        ["value", "name"], ascending=[False, True], na_position="last"
    ).copy()
    r["rank"] = r["value"].rank(ascending=False, method="min").astype("Int64")
    metric_col = f"{result.view.metric_info.label} ({result.view.metric_info.unit})"
    out = r[list(COLUMNS_VI)].rename(columns=COLUMNS_VI)
    out.insert(3, metric_col, r["value"].round(2).to_numpy())
    for col in ("Mô hình/100 km²", "Tỷ lệ đạt chuẩn (%)", "Tỷ lệ chuyển hóa (%)"):
        out[col] = out[col].round(2)
    return out.reset_index(drop=True)


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel shows the Vietnamese headers correctly."""
    return safe_frame(table).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(table: pd.DataFrame, title: str) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe_frame(table).to_excel(xw, index=False, sheet_name="Xếp hạng", startrow=2)
        ws = xw.sheets["Xếp hạng"]
        ws["A1"] = safe_cell(title)
        ws["A1"].font = Font(bold=True, size=13)
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col[2:]) + 2
            ws.column_dimensions[col[0].column_letter].width = min(max(width, 8), 45)
    return buf.getvalue()
