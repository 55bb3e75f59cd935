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


RUNS = """window.__runs = 0; (function watch() {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return setTimeout(watch, 5);
  new MutationObserver(() => { if (app.dataset.testScriptState === "running") window.__runs++; })
    .observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
})();"""


def test_a_new_map_runs_the_page_once(server, page):
    """A map that reported itself once drawn ran the whole page a second time (its first
    report differed from streamlit-folium's default) on every load and every new base
    map: work for nothing, and a rerun that closed a list a person had just opened."""
    page.add_init_script(RUNS)
    page.goto(f"{server.url}/?from=2020&to=2020")
    wait_for(lambda: "2020" in _legend(page), what="the map")
    wait_idle(page)
    page.wait_for_timeout(3000)  # the second run came within a second, when it came
    assert page.evaluate("window.__runs") == 1
    # a province chosen: a new base map (a new frame), still one run
    page.evaluate("window.__runs = 0")
    box = page.get_by_role("combobox", name="Tỉnh/thành phố")
    box.click()
    page.keyboard.type("Hòa Bình")
    page.get_by_role("option", name="Tỉnh Hòa Bình").click()
    wait_for(lambda: "area=17" in href(page), what="area=17")
    wait_for(lambda: "Số mô hình" in _legend(page) and len(map_eval(page, "1")) == 1, 60,
             what="the province's map")  # fmt: skip
    wait_idle(page)
    page.wait_for_timeout(3000)
    assert page.evaluate("window.__runs") == 1
