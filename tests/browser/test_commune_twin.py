"""The commune picker without a network: the page lists a commune's
refuges from the phone's copy (nearest.js `communeListing`) in the same
order, with the same words, as the server's page for that commune."""

from __future__ import annotations

import re

import pytest

from angela.core import territory
from tests.browser.test_twins_browser import module_url

pytestmark = pytest.mark.browser

LISTINGS = """async ({ url, codes }) => {
  const nearest = await import(url);
  const snapshot = await (await fetch("/api/v1/refuges/snapshot")).json();
  const index = nearest.prepare(snapshot);
  const now = Date.now();
  return Object.fromEntries(codes.map((code) => {
    const listing = nearest.communeListing(index, code, now);
    return [code, {
      names: listing.refuges.map((refuge) => refuge.name),
      walks: listing.refuges.map((refuge) => [refuge.distance_m, refuge.from_centre]),
      open: listing.refuges.map((refuge) => refuge.open_now),
      in_commune: listing.in_commune,
      police: listing.police_message,
    }];
  }));
}"""


def server_listing(client, code: str) -> dict:
    html = client.get(f"/?commune={code}").get_data(as_text=True)
    html = re.sub(r"<template.*?</template>", "", html, flags=re.S)  # the blank card
    cards = re.findall(r'<article class="card[^"]*" data-card.*?</article>', html, re.S)
    names = [re.search(r'data-field="link"[^>]*>([^<]*)<', card).group(1) for card in cards]
    walks = [re.search(r'data-field="walk">([^<]*)<', card).group(1) for card in cards]
    police = re.search(r'class="police-message" data-field="message">([^<]*)<', html)
    return {
        "police": police.group(1).replace("&#39;", "'") if police else None,
        "names": [name.replace("&#39;", "'") for name in names],
        "walks": walks,
        "in_commune": "Affichés parce que vous avez choisi" in html,
    }


def test_every_commune_lists_as_the_server_lists_it(open_page, server):
    page = open_page("/")
    loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    codes = [commune.code for commune in territory.communes()]
    device = page.evaluate(LISTINGS, {"url": module_url(loaded, "nearest"), "codes": codes})
    words = module_url(loaded, "words")
    client = server.app.test_client()
    for code in codes:
        expected = server_listing(client, code)
        mine = device[code]
        assert mine["names"] == expected["names"], code
        assert mine["in_commune"] == expected["in_commune"], code
        assert mine["police"] == expected["police"], code
        texts = page.evaluate(
            "async ({ url, walks }) => { const w = await import(url);"
            " return walks.map(([m, name]) => w.fromCentreText(m, name)); }",
            {"url": words, "walks": mine["walks"]},
        )
        assert texts == [text.replace("&#39;", "'") for text in expected["walks"]], code
