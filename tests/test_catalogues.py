"""The catalogues of the public face's languages: the template is what the
code says (`make words` was run), and every language translates every
message, with nothing fuzzy, the same placeholders as the French source,
no markup of its own, and plural forms the page's script can pick."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from angela.core import i18n

ROOT = Path(__file__).resolve().parents[1]
OTHERS = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]


def ids(catalog) -> set:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


def test_the_template_holds_what_the_code_says(tmp_path):
    extracted = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    command = [
        str(pybabel),
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "lazy_gettext",
        "-k",
        "ngettext:1,2",
    ]
    subprocess.run([*command, "-o", str(extracted), "."], cwd=ROOT, check=True)
    with extracted.open("rb") as file:
        fresh = read_po(file)
    missing, gone = (
        ids(fresh) - ids(i18n.source_messages()),
        ids(i18n.source_messages()) - ids(fresh),
    )
    assert (missing, gone) == (set(), set()), "run `make words` and translate what is new"


def test_every_language_has_a_catalogue_and_french_is_the_source():
    found = sorted(
        path.parent.parent.name for path in i18n.CATALOGUES.glob("*/LC_MESSAGES/messages.po")
    )
    assert found == sorted(OTHERS)
    assert i18n.SOURCE == "fr" and "fr" not in found


@pytest.mark.parametrize("code", OTHERS)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    catalogue = i18n.catalogue(code)
    source = i18n.source_messages()
    untranslated, fuzzy = [], []
    for message in source:
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        if translated is None or not all(
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        ):
            untranslated.append(message.id)
        elif translated.fuzzy:
            fuzzy.append(message.id)
    assert untranslated == [] and fuzzy == []
    obsolete = ids(catalogue) - ids(source)
    assert obsolete == set(), "messages the code no longer uses: run `make words`"


@pytest.mark.parametrize("code", OTHERS)
def test_placeholders_and_plurals_match_the_source(code):
    catalogue = i18n.catalogue(code)
    assert catalogue.num_plurals == len(set(i18n.plural_indexes(code).values()))
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, str):
            sources, forms = [message.id], [message.string]
        else:
            sources, forms = list(message.id), list(message.string)
            if len(forms) != catalogue.num_plurals:
                problems.append((message.id, "plural forms"))
        expected = set().union(*(i18n.placeholders(text) for text in sources))
        for form in forms:
            found = i18n.placeholders(form)
            # A plural form may leave the count out ("une minute"), nothing else.
            wanted = expected - {"count"} if len(sources) > 1 else expected
            if not wanted <= found <= expected:
                problems.append((message.id, form))
            if "<" in form and "<" not in "".join(sources):
                problems.append((message.id, "markup"))
        for checked, errors in catalogue.check():
            problems += [(checked.id, str(error)) for error in errors]
    assert problems == []


@pytest.mark.parametrize("code", OTHERS)
def test_the_codeword_stays_in_french(code):
    """« Où est Angela ? » is what she asks for in the shop: the same words
    in every language."""
    for message in i18n.catalogue(code):
        if isinstance(message.id, str) and "Où est Angela" in message.id:
            assert "Où est Angela" in message.string, message.id


@pytest.mark.parametrize("code", OTHERS)
def test_the_page_modules_catalogue_holds_their_messages_translated(code):
    body = json.loads(i18n.catalogue_json(code))
    assert body["lang"] == code and body["dir"] == i18n.LANGUAGES[code].direction
    script_ids = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in i18n.script_messages()
    }
    assert set(body["messages"]) == script_ids
    assert "other" in body["plural"]
    for singular, forms in body["messages"].items():
        if isinstance(forms, list):
            assert len(forms) == len(set(body["plural"].values())), singular
    # Small: only what the modules say, never the pages' messages; what
    # travels is gzip-compressed (the first load's budget counts it so).
    assert len(gzip.compress(i18n.catalogue_json(code))) < 6_000
