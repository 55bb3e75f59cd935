"""Saved views: a named view (map, comparison or change, with its area, period, metric
and classes) kept in the store with its author, for a meeting's slideshow and report.

A view is kept as the URL parameters the page writes (`view_to_params`), so opening one
goes through the same checks as a pasted address, and a view saved by an older version
still opens (or says what it repaired). Each has a short random id: `?saved=ID` is its
stable address.

Who sees which: a person sees the views whose area lies inside their own areas (the
whole country only for people with national access) and their own; the author or an
administrator renames, moves or deletes one. Every change is audited in the same write.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from geodata.errors import AnttError
from geodata.store_write import Tx, create_attribute_table, write_session
from geodata.view import MapView
from geodata.view_params import view_from_params, view_to_params

SAVED_VIEWS = "saved_views"
COLUMNS = ("view_id", "name", "params", "area", "version", "author_id", "author_name",
           "position", "created_at", "updated_at")  # fmt: skip
NAME_LIMIT = 120
# letters and digits only: an id never starts with "-" (a command-line option) nor needs escaping
ID_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SavedViewError(AnttError):
    """A saved view that cannot be made, found or changed, said in Vietnamese."""


@dataclass(frozen=True)
class SavedView:
    view_id: str
    name: str
    params: dict[str, str]
    area: str
    version: str
    author_id: str
    author_name: str
    position: int

    def view(self, store, default: MapView) -> tuple[MapView, list[str]]:
        """The view it opens, with the messages of anything repaired (as for a URL)."""
        return view_from_params(self.params, store, default)


def _create(tx: Tx) -> None:
    create_attribute_table(
        tx,
        SAVED_VIEWS,
        "view_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, params TEXT NOT NULL, area TEXT, "
        "version TEXT, author_id TEXT, author_name TEXT, position INTEGER NOT NULL, "
        "created_at TEXT, updated_at TEXT",
    )


def _rows(store) -> pd.DataFrame:
    if not store.has_table(SAVED_VIEWS):
        return pd.DataFrame(columns=list(COLUMNS))
    return store.table(SAVED_VIEWS, columns=COLUMNS)


def _from_row(r) -> SavedView:
    return SavedView(
        str(r["view_id"]), str(r["name"]), json.loads(r["params"]), str(r["area"] or ""),
        str(r["version"] or ""), str(r["author_id"] or ""), str(r["author_name"] or ""),
        int(r["position"]),
    )  # fmt: skip


def clean_name(name: str) -> str:
    """A view's name, checked: said what to fix rather than stored empty or cut."""
    text = " ".join(str(name).split())
    if not text:
        raise SavedViewError(
            "Chưa có tên khung nhìn: gõ một tên, ví dụ “Đạt chuẩn 2025 — toàn quốc”."
        )
    if len(text) > NAME_LIMIT:
        raise SavedViewError(
            f"Tên khung nhìn dài {len(text)} ký tự; tối đa {NAME_LIMIT}: rút gọn lại."
        )
    return text


def visible(view_area: str, view_version: str, author_id: str, access, allowed) -> bool:
    """Whether a person sees a view: their own, or one whose area is inside their
    areas (`allowed(version)` gives their unit codes); None access: everything."""
    if access is None or access.national:
        return True
    if author_id and author_id == access.user_id:
        return True
    return bool(view_area) and view_area in allowed(view_version)


def list_views(store, access=None) -> list[SavedView]:
    """The views a person sees, in the saved order."""
    from geodata.access import allowed_codes

    rows = _rows(store).sort_values(["position", "view_id"])
    cache: dict[str, set[str]] = {}

    def allowed(version: str) -> set[str]:
        if version not in cache:
            cache[version] = set(allowed_codes(store, version, access.areas))
        return cache[version]

    views = [_from_row(r) for _, r in rows.iterrows()]
    return [v for v in views if visible(v.area, v.version, v.author_id, access, allowed)]


def find_view(store, ref: str, access=None) -> SavedView:
    """A view by its id or its exact name, among those the person sees."""
    ref = str(ref).strip()
    views = list_views(store, access)
    for v in views:
        if v.view_id == ref:
            return v
    named = [v for v in views if v.name.casefold() == " ".join(ref.split()).casefold()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(v.view_id for v in named)
        raise SavedViewError(f"Có {len(named)} khung nhìn tên “{ref}” (mã {ids}): dùng mã.")
    known = "; ".join(f"{v.view_id} “{v.name}”" for v in views[:8]) or "chưa có khung nhìn nào"
    raise SavedViewError(f"Không có khung nhìn “{ref}”. Các khung nhìn đã lưu: {known}.")


def save_view(location: str, name: str, view: MapView, version: str, actor) -> SavedView:
    """Save `view` under `name` (at the end of the list) for `actor`; its id back."""
    from geodata import audit

    name = clean_name(name)
    params = view_to_params(view)
    view_id = "".join(secrets.choice(ID_LETTERS) for _ in range(8))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write_session(location) as tx:
        _create(tx)
        top = tx.execute(f'SELECT MAX(position) FROM "{SAVED_VIEWS}"').fetchone()[0]
        position = int(top or 0) + 1
        tx.execute(
            f'INSERT INTO "{SAVED_VIEWS}" ({", ".join(COLUMNS)}) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (view_id, name, json.dumps(params, ensure_ascii=False), view.area, version,
             actor.user_id, actor.label, position, now, now),
        )  # fmt: skip
        audit.append(tx, "view", f"lưu “{name}” ({view_id})", 1)
    return SavedView(view_id, name, params, view.area, version, actor.user_id, actor.label,
                     position)  # fmt: skip


def _may_change(saved: SavedView, access) -> None:
    if access is None or access.role == "admin" or saved.author_id == access.user_id:
        return
    raise SavedViewError(
        f"Khung nhìn “{saved.name}” do {saved.author_name or saved.author_id} lưu: chỉ người "
        "lưu hoặc quản trị viên được đổi tên, sắp xếp hay xóa."
    )


def rename_view(location: str, saved: SavedView, name: str, access=None) -> None:
    from geodata import audit

    _may_change(saved, access)
    name = clean_name(name)
    with write_session(location) as tx:
        _create(tx)
        tx.execute(
            f'UPDATE "{SAVED_VIEWS}" SET name = ?, updated_at = ? WHERE view_id = ?',
            (name, datetime.now(UTC).isoformat(timespec="seconds"), saved.view_id),
        )
        audit.append(tx, "view", f"đổi tên “{saved.name}” thành “{name}” ({saved.view_id})", 1)


def swap_views(location: str, first: SavedView, second: SavedView, access=None) -> None:
    """Exchange two views' places in the list (a move up or down on the page)."""
    from geodata import audit

    _may_change(first, access)
    with write_session(location) as tx:
        _create(tx)
        for saved, position in ((first, second.position), (second, first.position)):
            tx.execute(
                f'UPDATE "{SAVED_VIEWS}" SET position = ? WHERE view_id = ?',
                (position, saved.view_id),
            )
        audit.append(tx, "view", f"sắp xếp “{first.name}”, “{second.name}”", 2)


def delete_view(location: str, saved: SavedView, access=None) -> None:
    from geodata import audit

    _may_change(saved, access)
    with write_session(location) as tx:
        _create(tx)
        tx.execute(f'DELETE FROM "{SAVED_VIEWS}" WHERE view_id = ?', (saved.view_id,))
        audit.append(tx, "view", f"xóa “{saved.name}” ({saved.view_id})", 1)
