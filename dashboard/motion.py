"""The years in motion on the page: a play control that steps the map through the
years of the period, and a button that writes them as an animated GIF or an MP4.

The player moves the view one year at a time from a fragment that reruns every few
seconds (`st.fragment(run_every=…)`), as a person moving the year slider would; any
other change of the view stops it. At the end the view the person had comes back.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard import state as S
from dashboard.login import session_actor
from dashboard.safe_text import md
from geodata.audit import record, set_actor
from geodata.errors import AnttError
from geodata.view import MapView

PLAY = "play"  # {"years", "i", "back": the view before, "shown": the view on screen, "at"}
PLAY_SECONDS = 2.5
ANIMATION = "animation_file"
W_ANIMATION_FORMAT = "w_animation_format"


def _year_view(view: MapView, year: int) -> MapView:
    return view.with_(year_from=year, year_to=year, compare="", base_from=None, base_to=None)


def stop_playing() -> None:
    st.session_state.pop(PLAY, None)


def play_control(store, view: MapView) -> None:
    from dashboard.export.animate import animation_years

    ss = st.session_state
    play = ss.get(PLAY)
    if play is not None and play["shown"] != view:  # the person changed the view: stop
        ss.pop(PLAY, None)
        play = None
    if play is None:

        def start() -> None:
            years = animation_years(store, view)
            shown = S.set_view(store, _year_view(view, years[0]))
            ss[PLAY] = {"years": years, "i": 0, "back": view, "shown": shown,
                        "at": time.monotonic()}  # fmt: skip

        years = animation_years(store, view)
        st.button(f"Phát các năm {years[0]}–{years[-1]}", key="play_start", on_click=start,
                  icon=":material/play_arrow:",
                  width="stretch", help="Bản đồ chuyển lần lượt qua từng năm; bấm Dừng để dừng.")  # fmt: skip
        return
    year = play["years"][play["i"]]
    st.button(
        f"⏸ Dừng (đang ở năm {year})", key="play_stop", on_click=stop_playing, width="stretch"
    )
    _tick(store)


@st.fragment(run_every=PLAY_SECONDS / 5)
def _tick(store) -> None:
    """The next year once its time has come (checked often, stepped every PLAY_SECONDS)."""
    ss = st.session_state
    play = ss.get(PLAY)
    if play is None or time.monotonic() - play["at"] < PLAY_SECONDS:
        return
    i = play["i"] + 1
    if i >= len(play["years"]):
        ss.pop(PLAY, None)
        S.set_view(store, play["back"])
    else:
        play["shown"] = S.set_view(store, _year_view(play["back"], play["years"][i]))
        play["i"], play["at"] = i, time.monotonic()
    st.rerun(scope="app")


def animation_export(store, view: MapView) -> None:
    """A GIF or an MP4 of the view's years, made with a progress bar, then downloaded."""
    from dashboard.export.animate import (
        ANIMATION_FORMATS,
        ANIMATION_MIME,
        animation_bytes,
        animation_years,
    )
    from dashboard.export.snapshot import file_stem

    ss = st.session_state
    years = animation_years(store, view)
    with st.popover("Ảnh động, video các năm", icon=":material/movie:", width="stretch"):
        st.caption(
            f"Bản đồ từng năm {years[0]}–{years[-1]} trên một chú giải chung, 1280 × 720, "
            "mỗi năm 1,5 giây: để chèn vào trình chiếu."
        )
        fmt = st.radio("Định dạng", list(ANIMATION_FORMATS), key=W_ANIMATION_FORMAT,
                       format_func=lambda f: ANIMATION_FORMATS[f], horizontal=True)  # fmt: skip
        if st.button("Tạo tệp", key="animation_make", width="stretch"):
            actor = session_actor()
            set_actor(actor)
            bar = st.progress(0.0, text="Đang bắt đầu…")
            try:
                data = animation_bytes(
                    store, view, fmt, actor.label,
                    lambda done, total, what: bar.progress(done / max(total, 1), text=what or "Xong"),
                )  # fmt: skip
            except AnttError as err:
                bar.empty()
                st.error(md(str(err)))
                return
            bar.empty()
            span = view.with_(year_from=years[0], year_to=years[-1], compare="", base_from=None,
                              base_to=None)  # fmt: skip
            name = f"{file_stem(span)}_cac-nam.{fmt}"
            record(store.location, "export", f"{fmt}: {name}", 1)
            ss[ANIMATION] = (name, ANIMATION_MIME[fmt], data)
        if ss.get(ANIMATION):
            name, mime, data = ss[ANIMATION]
            st.download_button(f"Tải {name} ({len(data) / 1024:.0f} KB)", data, name, mime,
                               key="animation_download", on_click="ignore",
                               icon=":material/download:", width="stretch")  # fmt: skip
