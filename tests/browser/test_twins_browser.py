"""The golden table of tests/golden/twins.json run on the JavaScript side:
the very modules the public page loads, imported in the page by the URLs it
fetched them from, on a phone set to another time zone than Paris's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PHONE, Server, page_opener
from tests.test_twins import TWINS

pytestmark = pytest.mark.browser

# The words are written in Paris time whatever the phone's own zone.
ELSEWHERE = "America/New_York"
RUN_TWINS = """async ({ urls, tables }) => {
  const words = await import(urls.words);
  const cards = await import(urls.cards);
  const nearest = await import(urls.nearest);
  const names = (refuges) => refuges.map((refuge) => refuge.name);
  const run = {
    walk_text: (c) => words.walkText(c.distance_m, c.minutes),
    describe_status: (c) => words.describeStatus(c.open_now, c.next_change, new Date(c.now)),
    phone_text: (c) => words.phoneText(c.e164),
    open_first: (c) => names(cards.openFirst(c.refuges)),
    any_open: (c) => cards.anyOpen(c.refuges, c.within_minutes),
    directions_url: (c) => nearest.directionsUrl(c.refuge),
    checked_text: (c) => words.checkedText(c.day),
  };
  const results = {};
  for (const [table, cases] of Object.entries(tables)) {
    results[table] = Object.fromEntries(cases.map((c) => [c.case, run[table](c)]));
  }
  return results;
}"""


@pytest.fixture(scope="module")
def javascript(browser: Any, server: Server) -> Iterator[dict[str, dict[str, Any]]]:
    """Return what the page's modules answer for each case, by table and case."""
    with page_opener(browser, server) as open_:
        page = open_("/", **PHONE, timezone_id=ELSEWHERE)
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == ELSEWHERE
        loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
        urls = {name: module_url(loaded, name) for name in ("words", "cards", "nearest")}
        yield page.evaluate(RUN_TWINS, {"urls": urls, "tables": TWINS})


def module_url(loaded: list[str], name: str) -> str:
    """Return the URL from which the page loaded the module `name`.js."""
    found = [url for url in loaded if re.search(rf"/{name}(\.[0-9a-f]+)?\.js$", url)]
    assert len(found) == 1, (name, loaded)
    return found[0]


def twin_cases() -> list[Any]:
    return [
        pytest.param(table, case, id=f"{table}: {case['case']}")
        for table, cases in TWINS.items()
        for case in cases
    ]


@pytest.mark.parametrize(("table", "case"), twin_cases())
def test_the_javascript_twin_agrees(javascript, table, case):
    assert javascript[table][case["case"]] == case["expected"]
