"""Presentation mode (`?present=1`): the map fills the screen, type sized for a
projector, the sidebar hidden, title and key figures beside the map; Page Down / Right
arrow / a presenter's clicker go to the next saved view, Page Up / Left back, Esc leaves.

The keys are Streamlit's own button shortcuts (`st.button(shortcut=…)`), so a key does
exactly what a click on the visible button does. A clicker sends Page Down / Page Up;
the arrow keys are a second, hidden pair of buttons (a button has one shortcut). Keys
pressed while the map has the focus are handed to the page by `map_script.js`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state as S
from dashboard.safe_text import html_text

# Sized for a 1920×1080 projector read from the back of a room; at 1366×768 the same
# rules still fit (the figures column scrolls if it must, the map never does).
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 1.4rem 0.4rem 1.4rem !important; max-width: none; }
.antt-present-title { font-size: clamp(1.6rem, 2.4vw, 2.6rem); font-weight: 700; line-height: 1.2;
  color: #1d2733; margin: 0; }
.antt-present-name { font-size: clamp(1rem, 1.2vw, 1.35rem); color: #2563a8; font-weight: 600; }
.antt-present-sub { font-size: clamp(0.95rem, 1.1vw, 1.25rem); color: #55606e; }
.antt-card { padding: 10px 14px !important; margin-bottom: 10px !important; }
.antt-card > div:first-child { font-size: clamp(0.95rem, 1.1vw, 1.3rem) !important; }
.antt-card .antt-card-value { font-size: clamp(1.4rem, 1.8vw, 2.1rem) !important; }
.antt-card .antt-card-value + div { font-size: clamp(0.95rem, 1vw, 1.2rem) !important; }
iframe[title="streamlit_folium.st_folium"] { height: max(380px, calc(100vh - 150px)) !important; }
.st-key-present_next_arrow, .st-key-present_prev_arrow { display: none !important; }
.antt-present-where { font-size: 1.1rem; color: #55606e; text-align: center; }
/* a laptop's 1366 × 768: the same, tighter, so the four figures stay on screen */
@media (max-height: 820px) {
  .antt-present-title { font-size: 1.45rem; }
  .antt-present-name, .antt-present-sub { font-size: 0.95rem; }
  .antt-card { padding: 4px 10px !important; margin-bottom: 6px !important; }
  .antt-card > div:first-child { font-size: 0.85rem !important; }
  .antt-card .antt-card-value { font-size: 1.2rem !important; line-height: 1.25 !important; }
  .antt-card .antt-card-value + div { font-size: 0.8rem !important; }
  .antt-present-where { font-size: 0.9rem; }
}
</style>
"""


def presenting() -> bool:
    return bool(st.session_state.get(S.PRESENT))


def start() -> None:
    st.session_state[S.PRESENT] = True


def stop() -> None:
    st.session_state[S.PRESENT] = False


def present_header(name: str, title: str, sub: str) -> None:
    """The view's saved name, its title and its period/filters, large (all escaped)."""
    st.html(PRESENT_CSS)
    st.html(
        '<div class="antt-present">'
        + (f'<div class="antt-present-name">{html_text(name)}</div>' if name else "")
        + f'<p class="antt-present-title">{html_text(title)}</p>'
        + f'<div class="antt-present-sub">{html_text(sub)}</div></div>'
    )


def present_controls(store, views, current: str, default) -> None:
    """Back / next through the saved views, and leave; with their keys."""
    ids = [v.view_id for v in views]
    at = ids.index(current) if current in ids else -1

    def go(step: int) -> None:
        if not views:
            return
        i = (at + step) if at >= 0 else (0 if step > 0 else len(views) - 1)
        if 0 <= i < len(views):
            S.open_saved(store, views[i], default)
        else:
            st.toast("Đã ở khung nhìn cuối." if step > 0 else "Đã ở khung nhìn đầu.")

    where = f"{at + 1} / {len(views)}" if at >= 0 else f"— / {len(views)}"
    st.html(f'<div class="antt-present-where">Khung nhìn {where}</div>')
    # one above the other: side by side, the keys' hints cut the labels at 1366×768
    st.button("Tiếp ▶", key="present_next", on_click=go, args=(1,), shortcut="PageDown",
              disabled=not views, width="stretch")  # fmt: skip
    st.button("◀ Trước", key="present_prev", on_click=go, args=(-1,), shortcut="PageUp",
              disabled=not views, width="stretch")  # fmt: skip
    st.button("←", key="present_prev_arrow", on_click=go, args=(-1,), shortcut="Left")
    st.button("→", key="present_next_arrow", on_click=go, args=(1,), shortcut="Right")
    st.button("✕ Thoát trình chiếu", key="present_exit", on_click=stop, shortcut="Escape",
              width="stretch")  # fmt: skip
    if not views:
        st.caption(
            "Chưa có khung nhìn đã lưu để chuyển tiếp: lưu ở thanh bên, mục “Khung nhìn đã lưu”."
        )
