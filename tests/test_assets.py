"""Static files: fingerprinted names that follow their dependencies, gzip,
long caching under fingerprinted names only; colours named once, in the
shared tokens, for both faces."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

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
    url = fingerprinted(app, "public/public.css")
    assert re.fullmatch(r"/static/public/public\.[0-9a-f]{10}\.css", url)
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
    response = client.get(fingerprinted(app, "public/page.js"))
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_revalidation_answers_not_modified(app, client):
    url = fingerprinted(app, "public/page.js")
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_plain_name_is_revalidated_not_kept(client):
    response = client.get("/static/public/public.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/../angela/__init__.py"])
def test_unknown_static_file_is_404(client, path):
    assert client.get(path).status_code == 404


def test_missing_file_keeps_its_plain_url(app):
    assert fingerprinted(app, "vendor/absent.js") == "/static/vendor/absent.js"


# --- colours: only the shared tokens name them ---------------------------

STATIC = Path(__file__).resolve().parent.parent / "angela" / "static"
TOKENS = "shared/tokens.css"
STYLESHEETS = sorted(
    name
    for name in (path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*.css"))
    if name != TOKENS and not name.startswith("vendor/")
)
NAMED_COLOURS = """
    aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen
"""
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# A property and its value; a selector such as `a:focus {` is not one.
DECLARATION = re.compile(r"[\w-]+\s*:\s*([^;{}]*)(?=[;}])")
LITERAL_COLOUR = re.compile(
    r"#[0-9a-f]{3,8}\b"
    r"|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\("
    rf"|(?<![\w-])(?:{'|'.join(NAMED_COLOURS.split())})(?![\w-])",
    re.IGNORECASE,
)


def literal_colours(css: str) -> list[str]:
    values = DECLARATION.findall(COMMENT.sub("", css))
    return [found.group(0) for value in values for found in LITERAL_COLOUR.finditer(value)]


def stylesheet(name: str) -> str:
    return COMMENT.sub("", (STATIC / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("css", "found"),
    [
        ("a { color: #fff }", ["#fff"]),
        ("a { border-left: 6px solid #43205f; }", ["#43205f"]),
        (".pin { box-shadow: 0 1px 5px rgb(0 0 0); }", ["rgb("]),
        (".pin { box-shadow: 0 1px 5px rgba(0, 0, 0, .6); }", ["rgba("]),
        ("a { background: White; color: hsl(0 0% 0%) }", ["White", "hsl("]),
        ("a { color: var(--ink); background: transparent; stroke: currentColor }", []),
        ("/* on translucent white */ p { white-space: nowrap; font: inherit }", []),
        ("#resultats, a:focus-visible { outline: 3px solid var(--focus) }", []),
    ],
)
def test_literal_colours_are_recognised(css, found):
    assert literal_colours(css) == found


@pytest.mark.parametrize("name", STYLESHEETS)
def test_stylesheets_take_every_colour_from_the_tokens(name):
    assert literal_colours(stylesheet(name)) == []


@pytest.mark.parametrize("name", STYLESHEETS)
def test_every_variable_a_stylesheet_uses_is_defined(name):
    def defined(css: str) -> set[str]:
        return set(re.findall(r"(--[\w-]+)\s*:", css))

    css = stylesheet(name)
    used = set(re.findall(r"var\(\s*(--[\w-]+)", css))
    assert used - defined(css) - defined(stylesheet(TOKENS)) == set()


@pytest.mark.parametrize(("url", "face"), [("/", "public/public"), ("/staff/login", "staff/staff")])
def test_each_face_links_the_tokens_just_before_its_own_stylesheet(client, url, face):
    html = client.get(url).get_data(as_text=True)
    # What applies only without JavaScript comes after, on purpose.
    html = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)
    linked = re.findall(r'<link rel="stylesheet" href="/static/([\w/-]+)\.\w+\.css">', html)
    assert linked[-2:] == ["shared/tokens", face]
    assert f"{face}.css" in STYLESHEETS
