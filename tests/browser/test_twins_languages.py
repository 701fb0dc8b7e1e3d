"""The twins agree in every language: the words the phone writes for a walk,
an open status and a check date (words.js, with the page's catalogue and
Intl) are the server's (angela.core, with its catalogue and Babel) for the
cases of the golden table, on a page in each other language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from angela.core import i18n
from angela.core.french import checked_text
from angela.core.hours import OpenStatus, describe
from angela.core.walking import walk_text
from tests.browser.conftest import PHONE, Server, page_opener
from tests.browser.test_twins_browser import ELSEWHERE, RUN_TWINS, module_url
from tests.test_twins import TWINS, moment

pytestmark = pytest.mark.browser

OTHERS = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
TABLES = ("walk_text", "describe_status", "checked_text")


def server_words(table: str, case: dict[str, Any]) -> str | None:
    if table == "walk_text":
        return walk_text(case["distance_m"], case["minutes"])
    if table == "describe_status":
        status = OpenStatus(case["open_now"], moment(case["next_change"]))
        return describe(status, moment(case["now"]))
    return checked_text(date.fromisoformat(case["day"]) if case["day"] else None)


def same_spaces(text: str | None) -> str | None:
    """Babel's and the browser's CLDR may differ in which space sits before
    "PM" (U+202F or U+0020): the reader sees a space either way."""
    return text.replace("\u202f", " ").replace("\u00a0", " ") if text else text


@pytest.fixture(scope="module")
def phone_words(browser: Any, server: Server) -> Iterator[dict[str, dict[str, dict[str, Any]]]]:
    tables = {table: TWINS[table] for table in TABLES}
    found = {}
    with page_opener(browser, server) as open_:
        for code in OTHERS:
            page = open_(f"/{code}/", **PHONE, timezone_id=ELSEWHERE)
            loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
            urls = {name: module_url(loaded, name) for name in ("words", "cards", "nearest")}
            found[code] = page.evaluate(RUN_TWINS, {"urls": urls, "tables": tables})
            page.close()
    yield found


@pytest.mark.parametrize("code", OTHERS)
def test_the_phone_and_the_server_say_the_same_in_each_language(phone_words, code):
    differ = []
    with i18n.speaking(code):
        for table in TABLES:
            for case in TWINS[table]:
                expected = same_spaces(server_words(table, case))
                phone = same_spaces(phone_words[code][table][case["case"]])
                if phone != expected:
                    differ.append((table, case["case"], expected, phone))
    assert differ == []
