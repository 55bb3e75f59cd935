"""A person quicker than the page: an input sent before the last run's new address
reached the browser carries the address before it. That must not read as Back (it threw
the input before away: two quick arrow presses on the year slider moved it one year, a
presenter's key press was lost). `AddressHold` makes the timing certain."""

from __future__ import annotations

import pytest

from tests.browser_support import AddressHold, href, map_eval, wait_for, wait_idle

pytestmark = pytest.mark.browser


def _legend(page) -> str:
    shown = map_eval(page, "(document.querySelector('.antt-legend') || {}).innerText || ''")
    return shown[0] if len(shown) == 1 else ""


def test_two_quick_year_steps_both_count(server, page):
    hold = AddressHold(page)
    page.goto(f"{server.url}/?from=2022&to=2022&metric=model_count")
    wait_for(lambda: "2022" in _legend(page), what="the 2022 map")
    wait_idle(page)
    slider = page.get_by_role("slider", name="Năm")
    hold.holding = True
    slider.focus()
    slider.press("ArrowRight")
    wait_for(lambda: "2023" in _legend(page), what="the 2023 map")
    wait_idle(page)
    wait_for(lambda: hold.held, what="the 2023 address held back")
    assert "to=2022" in href(page)  # the browser still has the address before
    slider.press("ArrowRight")  # sent with to=2022: not a Back to 2022
    wait_for(lambda: "2024" in _legend(page), what="the 2024 map")
    wait_idle(page)
    assert slider.input_value() == "2024"  # the slider kept both steps
    hold.release()
    wait_idle(page)
    wait_for(lambda: "to=2024" in href(page), what="to=2024 in the address")
    assert "2024" in _legend(page)
    # Back still goes back: to the address before this session's last one
    page.go_back()
    wait_for(lambda: "to=2022" in href(page) or "to=2023" in href(page), what="an earlier year")
    wait_for(lambda: "2024" not in _legend(page) and _legend(page), what="the earlier map")
