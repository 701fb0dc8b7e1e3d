"""Subresource Integrity: the page's entry scripts and the modules preloaded
with them carry an `integrity` hash of exactly the bytes served."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from html.parser import HTMLParser

from angela import assets


class ScriptTags(HTMLParser):
    """The module scripts and modulepreload links of a page, as attribute dicts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if (tag == "script" and found.get("src")) or (
            tag == "link" and found.get("rel") == "modulepreload"
        ):
            self.found.append(found)


def script_tags(html: str) -> list[dict[str, str | None]]:
    parser = ScriptTags()
    parser.feed(html)
    return parser.found


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def url_of(tag: dict[str, str | None]) -> str:
    return tag.get("src") or tag["href"] or ""


def test_the_integrity_of_a_body_is_its_sha384_in_base64():
    # The example of the SRI specification's "alert('Hello, world.');".
    assert assets.integrity(b"alert('Hello, world.');") == (
        "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"
    )


def test_the_public_page_scripts_carry_the_hash_of_the_bytes_served(client):
    tags = script_tags(client.get("/").get_data(as_text=True))
    kinds = [("script" if "src" in tag else "modulepreload") for tag in tags]
    assert kinds[0] == "script" and "modulepreload" in kinds
    for tag in tags:
        assert tag.get("crossorigin") is None  # same origin: not needed for SRI
        assert re.fullmatch(r"sha384-[A-Za-z0-9+/]{64}", tag["integrity"] or "")
        plain = client.get(url_of(tag))
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        assert tag["integrity"] == sri(plain.data), url_of(tag)
        # The browser checks the decoded body: the gzip variant matches too.
        packed = client.get(url_of(tag), headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert tag["integrity"] == sri(gzip.decompress(packed.data))


def test_every_module_the_entry_imports_is_preloaded_with_its_hash(client):
    tags = script_tags(client.get("/").get_data(as_text=True))
    with client.application.test_request_context():
        expected = [assets.asset_url(name) for name in assets.static_imports("public/page.js")]
    assert [url_of(tag) for tag in tags] == expected


def test_a_changed_file_changes_its_hash(tmp_path):
    (tmp_path / "page.js").write_text("export const a = 1;\n", encoding="utf-8")
    before = assets.build(tmp_path)["page.js"].integrity
    (tmp_path / "page.js").write_text("export const a = 2;\n", encoding="utf-8")
    assert assets.build(tmp_path)["page.js"].integrity != before


def test_a_missing_file_has_no_hash_and_the_page_still_renders(app):
    with app.test_request_context():
        assert assets.asset_integrity("public/absent.js") == ""


def test_the_staff_merchant_form_script_carries_its_hash(staff_client):
    client = staff_client("agent")
    tags = script_tags(client.get("/staff/merchants/new").get_data(as_text=True))
    entry = next(tag for tag in tags if "merchant-form" in url_of(tag))
    assert entry["integrity"] == sri(client.get(url_of(entry)).data)
