"""Loader messages name command-line options; on the page they name the page's fields.

The loaders word their errors for both front ends with the option (`--province`); the
page rewrites those words so a user is never told to pass a flag they cannot pass.
"""

from __future__ import annotations

import pandas as pd

REGISTRY_FIELDS = (
    ("chọn tỉnh khi nhập (--province)", "ghi tỉnh vào ô “Tỉnh của cả tệp” ở trên"),
    ("--district '", "Huyện của cả tệp '"),
    ("--province '", "Tỉnh của cả tệp '"),
    ("cần đi cùng --province", "cần ghi cả ô “Tỉnh của cả tệp”"),
    ("--crs (ví dụ", "ô “Hệ tọa độ của cột X/Y” (ví dụ"),
    ("--crs", "ô “Hệ tọa độ của cột X/Y”"),
    ("--province", "ô “Tỉnh của cả tệp”"),
    ("--district", "ô “Huyện của cả tệp”"),
)

BOUNDARY_FIELDS = (
    ("--crs EPSG:3405", "EPSG:3405"),
    ("--crs", "ô “Hệ tọa độ” ở trên"),
    ("--code-field", "ô “Cột mã đơn vị”"),
    ("--name-field", "ô “Cấp đơn vị” và cột tên theo mẫu Ten_Tinh/Ten_Huyen/Ten_Xa"),
    ("--province-field", "ô “Cột tên tỉnh”"),
    ("--district-field", "ô “Cột tên huyện”"),
    ("--type-field", "ô “Cột loại đơn vị”"),
    ("--accept", "ô “Vẫn lưu các đơn vị bị từ chối”"),
    ("--level", "ô “Cấp đơn vị trong tệp”"),
    ("dùng --version", "chọn ở ô “Phiên bản ranh giới” phiên bản"),
)


def for_page(message: object, fields=REGISTRY_FIELDS) -> str:
    """`message` with each option replaced by the field that sets it on the page."""
    text = str(message)
    for flag, field in fields:
        text = text.replace(flag, field)
    return text


def frame_for_page(frame: pd.DataFrame, column: str, fields=REGISTRY_FIELDS) -> pd.DataFrame:
    """A copy of `frame` whose `column` (reasons) names page fields instead of options."""
    if column not in frame.columns or frame.empty:
        return frame
    return frame.assign(**{column: frame[column].map(lambda v: for_page(v, fields))})


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for `st.dataframe` with empty cells instead of its English "None"."""
    out = frame.copy()
    for col in out.columns:
        if out[col].isna().any():
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out
