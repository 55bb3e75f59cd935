"""The page's export buttons: the current view as a finished map file, drawn only when a
button is clicked, recorded in the audit trail under the person who clicked."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard.export.snapshot import build_snapshot, file_stem
from dashboard.export.writers import FORMATS, export_bytes
from geodata.audit import Actor, current_actor, record, set_actor
from geodata.store import Store, open_store
from geodata.view import MapView


def export_buttons(store: Store, view: MapView) -> None:
    """Download the current view as a finished map. The file is drawn only when a
    button is clicked (a callable `data`), and the click does not rerun the page."""
    st.markdown("**Xuất bản đồ** (báo cáo, trình chiếu)")
    for fmt in FORMATS.values():
        st.download_button(
            fmt.label,
            partial(_export, store.location, view, fmt.key, current_actor()),
            f"{file_stem(view)}.{fmt.key}",
            fmt.mime,
            key=f"export-{fmt.key}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


def _export(location: str, view: MapView, fmt: str, actor: Actor) -> bytes:
    # runs outside the script run (no session state): plain functions only; the view
    # was authorised in the run that drew the button, the actor is who clicked it
    set_actor(actor)
    data = export_bytes(build_snapshot(open_store(location), view, by=actor.label), fmt)
    record(location, "export", f"{fmt}: {file_stem(view)}", 1)
    return data
