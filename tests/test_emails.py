"""The one form of a staff address: stored, looked up and throttled alike."""

from __future__ import annotations

import pytest

from angela.core import emails

VICTIM = "victim@cidff77.fr"


@pytest.mark.parametrize(
    "spelling",
    [
        VICTIM,
        "victim@cidff77.ｆｒ",  # full-width letters
        "ｖｉｃｔｉｍ@ｃｉｄｆｆ７７.ｆｒ",
        "VICTIM@CIDFF77.FR",
        "  victim@cidff77.fr\u00a0",
        "Victim@Cidff77.Fr\n",
    ],
)
def test_every_spelling_of_an_address_has_one_canonical_form(spelling):
    assert emails.canonical(spelling) == VICTIM
    assert emails.key(spelling) == VICTIM


@pytest.mark.parametrize("text", ["", "victim", "vic\u200btim@cidff77.fr", "victim@cidff77.fr."])
def test_what_is_not_an_address_is_refused_but_still_has_a_key(text):
    with pytest.raises(emails.InvalidEmail):
        emails.canonical(text)
    assert emails.key(text) == emails.fold(text)


def test_the_key_of_anything_fits_the_column():
    assert len(emails.key("x" * 10_000)) == emails.MAX_LENGTH
    assert emails.fold(" ＡＢＣ ") == "abc"
