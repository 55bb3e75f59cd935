"""An import by data staff keeps only the rows inside their areas.

The check runs on the server after the file was read and matched, before anything is
stored: a row whose commune lies outside the person's areas moves from the accepted
rows to the rejected ones, with the reason, so the report says which rows and why.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from geodata.access import Access, area_names, split_in_scope
from loaders.registry import RegistryCheck

CODE_COLUMN = {"models": "commune_code", "status": "code"}


def restrict_to_scope(store, check: RegistryCheck, access: Access | None) -> RegistryCheck:
    """`check` with the rows outside `access`'s areas rejected (unchanged when national)."""
    if access is None or access.national or check.accepted.empty:
        return check
    acc = check.accepted.reset_index(drop=True)
    inside, outside = split_in_scope(store, acc, access, CODE_COLUMN[check.kind])
    if outside.empty:
        return check
    col = CODE_COLUMN[check.kind]
    where = check.preview.reset_index(drop=True).loc[outside.index]
    names = area_names(store, access.areas)
    extra = pd.DataFrame(
        {
            "Trang tính": where["Trang tính"].to_numpy(),
            "Dòng": where["Dòng"].to_numpy(),
            "Cột": "Xã/Phường",
            "Giá trị": where.get("Xã/Phường (đã khớp)", outside[col]).to_numpy(),
            "Lý do": [
                f"Xã mã {c} nằm ngoài địa bàn được giao cho tài khoản {access.user_id} "
                f"({names}); dòng không được lưu"
                for c in outside[col]
            ],
        }
    )
    rejected = (
        pd.concat([check.rejected, extra], ignore_index=True)
        .sort_values(["Trang tính", "Dòng"], kind="stable")
        .reset_index(drop=True)
    )
    keep = inside.index
    return replace(
        check,
        accepted=acc.loc[keep].reset_index(drop=True),
        rejected=rejected,
        preview=check.preview.reset_index(drop=True).loc[keep].reset_index(drop=True),
        notes=(*check.notes, f"{len(outside)} dòng nằm ngoài địa bàn được giao ({names})."),
    )
