"""Every staff form, fed anything by Hypothesis: whatever is typed in any
field, the answer is a page (saved, or refused with words), never a server
error, on both databases. The field names are read from the forms the
pages really render."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The page that shows the form, and where the form is sent (None: the same).
FORMS = [
    ("/staff/merchants/new", None),
    ("/staff/merchants/{merchant}/edit", None),
    ("/staff/merchants/{merchant}", "/staff/merchants/{merchant}/training"),
    ("/staff/merchants/{merchant}", "/staff/merchants/{merchant}/status/suspend"),
    ("/staff/support/new", None),
    ("/staff/admin/users", None),
    ("/staff/password", None),
]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
# Anything a keyboard or a paste can give, control characters included.
TEXT = st.text(max_size=80) | st.sampled_from(["", " ", "0", "-1", "2" * 30, "2026-02-30"])


def fields_of(page: str, page_url: str, action: str) -> list[str]:
    """The names of the fields of the form sent to `action` on the page
    (a form without an action is sent to the page itself)."""
    for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", page, re.S):
        target = re.search(r'action="([^"]*)"', attributes)
        if (target.group(1).split("?")[0] if target else page_url).endswith(action):
            return sorted(set(FIELD.findall(body)) - {"csrf_token"})
    raise AssertionError(f"no form sent to {action}")


@pytest.mark.parametrize(("shown", "sent"), FORMS, ids=[shown for shown, _ in FORMS])
def test_no_input_makes_a_staff_form_fail(staff_client, make_merchant, shown, sent):
    client = staff_client("admin")
    merchant = make_merchant()
    page_url = shown.format(merchant=merchant.id)
    action = (sent or shown).format(merchant=merchant.id)
    names = fields_of(client.get(page_url).get_data(as_text=True), page_url, action)
    assert names

    @settings(
        max_examples=30, derandomize=True, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    @given(values=st.fixed_dictionaries({name: TEXT for name in names}))
    def post(values: dict[str, Any]) -> None:
        response = client.post(action, data=values)
        assert response.status_code < 500, (values, response.status_code)

    post()
