"""Static files: fingerprinted names that follow their dependencies, gzip,
long caching under fingerprinted names only."""

from __future__ import annotations

import gzip
import re

import pytest

from angela import assets


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_imports_and_css_urls_point_to_fingerprinted_names(tmp_path):
    write(tmp_path, {
        "js/page.js": 'import { a } from "./a.js";\nimport("./lazy/b.js");\n',
        "js/a.js": "export const a = 1;\n",
        "js/lazy/b.js": 'import "../../vendor/lib.js";\n',
        "vendor/lib.js": "window.lib = 1;\n",
        "css/site.css": "a { background: url(../img/dot.svg) } b { background: url(data:x) }",
        "img/dot.svg": "<svg/>",
    })  # fmt: skip
    built = assets.build(tmp_path)
    page = built["js/page.js"].body.decode()
    assert f'from "./{built["js/a.js"].hashed_name.split("/")[-1]}"' in page
    assert f'import("./lazy/{built["js/lazy/b.js"].hashed_name.split("/")[-1]}")' in page
    assert built["js/lazy/b.js"].body.decode() == (
        f'import "../../{built["vendor/lib.js"].hashed_name}";\n'
    )
    css = built["css/site.css"].body.decode()
    assert f"url(../{built['img/dot.svg'].hashed_name})" in css and "url(data:x)" in css
    assert re.fullmatch(r"js/page\.[0-9a-f]{10}\.js", built["js/page.js"].hashed_name)


def test_a_change_deep_down_renames_every_file_that_leads_to_it(tmp_path):
    write(tmp_path, {"page.js": 'import "./a.js";', "a.js": 'import "./b.js";', "b.js": "1;"})
    before = assets.build(tmp_path)
    (tmp_path / "b.js").write_text("2;", encoding="utf-8")
    after = assets.build(tmp_path)
    for name in ("page.js", "a.js", "b.js"):
        assert before[name].hashed_name != after[name].hashed_name


def test_unknown_references_are_left_alone(tmp_path):
    write(
        tmp_path, {"page.js": 'import "./missing.js";\nimport x from "https://cdn.example/x.js";'}
    )
    assert assets.build(tmp_path)["page.js"].body == (tmp_path / "page.js").read_bytes()


def test_a_cycle_is_an_error(tmp_path):
    write(tmp_path, {"a.js": 'import "./b.js";', "b.js": 'import "./a.js";'})
    with pytest.raises(assets.AssetError, match="cycle"):
        assets.build(tmp_path)


def fingerprinted(app, name):
    with app.test_request_context():
        return assets.asset_url(name)


def test_fingerprinted_file_is_cached_for_a_year_and_gzipped(app, client):
    url = fingerprinted(app, "css/public.css")
    assert re.fullmatch(r"/static/css/public\.[0-9a-f]{10}\.css", url)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "Accept-Encoding" in response.headers["Vary"]
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(response.data) == plain.data
    assert b":focus-visible" in plain.data


def test_modules_are_served_as_javascript(app, client):
    response = client.get(fingerprinted(app, "js/page.js"))
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_revalidation_answers_not_modified(app, client):
    url = fingerprinted(app, "js/page.js")
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_plain_name_is_revalidated_not_kept(client):
    response = client.get("/static/css/public.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/../angela/__init__.py"])
def test_unknown_static_file_is_404(client, path):
    assert client.get(path).status_code == 404


def test_missing_file_keeps_its_plain_url(app):
    assert fingerprinted(app, "vendor/absent.js") == "/static/vendor/absent.js"
