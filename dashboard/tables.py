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


def ranking(result: ViewResult, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Units sorted by the view's metric (highest first, no-data last), Vietnamese headers.

    With `units` (the version's units: code, name, level, parent_code, province_code), a
    commune is named with its district and province, a district with its province:
    thousands of communes share a name ("Xã Tân Lập" is in a dozen provinces)."""
    r = result.rows.sort_values(
        ["value", "name"], ascending=[False, True], na_position="last"
    ).copy()
    r["rank"] = r["value"].rank(ascending=False, method="min").astype("Int64")
    metric_col = f"{result.view.metric_info.label} ({result.view.metric_info.unit})"
    out = r[list(COLUMNS_VI)].rename(columns=COLUMNS_VI)
    where = 3
    if units is not None and result.view.level in ("district", "commune"):
        own = units[units["level"] == result.view.level].set_index("code")
        codes = r["code"].astype(str)
        parents = []
        if result.view.level == "commune":  # after 2025 there are no districts: no column
            parents.append(("Huyện/quận", own["parent_code"], _names_of(units, "district")))
        parents.append(("Tỉnh/thành phố", own["province_code"], _names_of(units, "province")))
        for header, parent, names in parents:
            if names:
                out.insert(where, header, codes.map(parent).map(names).fillna("").to_numpy())
                where += 1
    out.insert(where, metric_col, r["value"].round(2).to_numpy())
    for col in ("Mô hình/100 km²", "Tỷ lệ đạt chuẩn (%)", "Tỷ lệ chuyển hóa (%)"):
        out[col] = out[col].round(2)
    return out.reset_index(drop=True)


def _names_of(units: pd.DataFrame, level: str) -> dict[str, str]:
    rows = units[units["level"] == level]
    return dict(zip(rows["code"].astype(str), rows["name"], strict=True))


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """A CSV that Excel set to Vietnamese opens as columns and numbers: UTF-8 with BOM
    (the headers' diacritics), `;` between fields and `,` before decimals (that
    locale's list separator and decimal mark), whole numbers without ".0"."""
    out = safe_frame(table).copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            out[col] = values.astype("Int64")
    return out.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def to_xlsx_bytes(table: pd.DataFrame, title: str, sheet: str = "Xếp hạng") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe_frame(table).to_excel(xw, index=False, sheet_name=sheet, startrow=2)
        ws = xw.sheets[sheet]
        ws["A1"] = safe_cell(title)
        ws["A1"].font = Font(bold=True, size=13)
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col[2:]) + 2
            ws.column_dimensions[col[0].column_letter].width = min(max(width, 8), 45)
    return buf.getvalue()
