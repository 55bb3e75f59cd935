"""The review step of an import: names the matcher would not guess, decided by a person.

Each unmatched or ambiguous spelling is shown once, with where it was looked for, how
many rows wrote it and its candidates; nothing is chosen by default. What the user
picks is saved in the store's `name_aliases` (one write transaction), and the file is
checked again, so those rows now match, and so will the next import of the same file.
"""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md
from geodata.aliases import NameAlias, store_aliases
from geodata.audit import current_actor
from geodata.errors import AnttError
from geodata.schema import LEVEL_LABELS_VI
from loaders.places import ReviewItem

ALIASES_SAVED = "import_aliases_saved"  # bumped after a save: the file is checked again
SAVED_MESSAGE = "imp_aliases_saved_msg"
MAX_ITEMS = 60  # more than this is work for the XLSX report and `--aliases`
NOT_CHOSEN = "— chưa chọn (dòng vẫn bị loại) —"


def render_review(store, review: tuple[ReviewItem, ...]) -> None:
    """A form: one choice per name that needs a decision, then save and check again."""
    st.subheader("Tên cần xác nhận")
    st.caption(
        "Các tên dưới đây không khớp hoặc khớp nhiều đơn vị nên chưa được dùng. Chọn đúng "
        "đơn vị cho từng tên: lựa chọn được lưu thành cách viết đã xác nhận, tệp được kiểm "
        "tra lại, và lần nhập sau của cùng cách viết sẽ tự khớp."
    )
    items = review[:MAX_ITEMS]
    if len(review) > MAX_ITEMS:
        st.warning(
            f"Có {len(review)} tên cần xác nhận; ở đây chỉ hiện {MAX_ITEMS} tên đầu. Tải báo "
            "cáo XLSX (trang “Cần xác nhận”), điền mã rồi nhập bằng dòng lệnh với --aliases.",
            icon=":material/warning:",
        )
    with st.form("imp_review"):
        picks: list[tuple[ReviewItem, str]] = []
        for n, item in enumerate(items):
            label = (
                f"{LEVEL_LABELS_VI[item.level].capitalize()} “{item.text}”"
                + (
                    f" (trong {item.parent_name or 'đơn vị'} mã {item.parent_code})"
                    if item.parent_code
                    else ""
                )
                + f" — {item.count} dòng"
            )
            choices = [NOT_CHOSEN, *(f"{name} (mã {code})" for code, name in item.options)]
            # label and help render Markdown, options are plain text
            picked = st.selectbox(md(label), choices, key=f"imp_review_{n}", help=md(item.reason))
            if picked != NOT_CHOSEN:
                code = item.options[choices.index(picked) - 1][0]
                picks.append((item, code))
        go = st.form_submit_button("Lưu các lựa chọn và kiểm tra lại", type="primary")
    if not go:
        return
    if not picks:
        st.warning("Chưa chọn đơn vị nào.", icon=":material/warning:")
        return
    aliases = [NameAlias(i.version, i.level, i.parent_code, i.text, code) for i, code in picks]
    try:
        n = store_aliases(store.location, aliases, current_actor().label)
    except AnttError as err:
        st.error(md(err), icon=":material/error:")
        return
    st.session_state[ALIASES_SAVED] = st.session_state.get(ALIASES_SAVED, 0) + 1
    names = ", ".join(f"“{i.text}” → mã {code}" for i, code in picks[:5])
    more = f" và {len(picks) - 5} tên khác" if len(picks) > 5 else ""
    st.session_state[SAVED_MESSAGE] = (
        f"Đã lưu {n} cách viết đã xác nhận ({names}{more}); tệp đã được kiểm tra lại với "
        "các lựa chọn này."
    )
    st.rerun()


def show_saved_aliases() -> None:
    """After the rerun that saving choices starts: say once, in place, what was saved (a
    toast vanished before a user looking at the re-checked report could read it)."""
    message = st.session_state.pop(SAVED_MESSAGE, None)
    if message:
        st.success(md(message), icon=":material/check_circle:")
