"""Right to left (issue 12): the public styles name no physical side —
margins, borders, positions, alignment and shifts are logical (inline
start and end), so that Arabic mirrors the page. Only the map, kept left to
right like Leaflet's own controls, may name one, in a commented list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "angela" / "static"
PUBLIC_STYLESHEETS = sorted(
    path.relative_to(STATIC).as_posix() for path in (STATIC / "public").glob("*.css")
)

# (selector, property) allowed to name a side, each for a reason.
MAP_KEPT_LEFT_TO_RIGHT = {
    # Leaflet places a tooltip beside its marker, physically (its own CSS
    # does); our colours follow its arrow, on a map kept left to right.
    (".leaflet-tooltip-left::before", "border-left-color"),
    (".leaflet-tooltip-right::before", "border-right-color"),
    # Room for Leaflet's close button, at the top right of every popup.
    (".leaflet-popup-content", "margin"),
}

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# Strings and url() may hold braces or semicolons: each is one token.
TOKEN = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|url\([^)]*\)|[{};]|[^{};"'u]+|.""", re.S)
STRING = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")
SIDE_IN_NAME = re.compile(r"(?:^|-)(?:left|right)(?:-|$)")
SIDE_IN_VALUE = re.compile(r"(?<![\w-])(?:left|right)(?![\w-])", re.IGNORECASE)
# translate(), translateX(), translate3d() whose first (horizontal) length is not 0.
SIDEWAYS_SHIFT = re.compile(r"\btranslate(?:x|3d)?\(\s*(?!0[a-z%]*\s*[,)])", re.IGNORECASE)
# Top, right, bottom, left: lopsided when the second and the fourth differ.
FOUR_SIDES = {
    "margin", "padding", "inset", "scroll-margin", "scroll-padding",
    "border-width", "border-style", "border-color",
}  # fmt: skip
# A point in a box: only a centred one is the same both ways.
ORIGINS = {
    "background-position", "background-position-x", "object-position",
    "transform-origin", "perspective-origin",
}  # fmt: skip
CENTRED = {"center", "top", "bottom", "50%"}


def declarations(css: str) -> list[tuple[str, str, str]]:
    """Return every (selector, property, value) of the style rules of `css`,
    those inside an at-rule (`@media`, `@container`) included."""
    found: list[tuple[str, str, str]] = []
    preludes: list[str] = []
    text = ""
    for token in TOKEN.findall(COMMENT.sub("", css)):
        if token == "{":
            preludes.append(" ".join(text.split()))
            text = ""
        elif token in (";", "}"):
            name, colon, value = text.partition(":")
            if colon and preludes and not preludes[-1].startswith("@"):
                found.append((preludes[-1], name.strip().lower(), " ".join(value.split())))
            text = ""
            if token == "}" and preludes:
                preludes.pop()
        else:
            text += token
    return found


def words(value: str) -> list[str]:
    """Split a value at its spaces, a function call and its arguments being one word."""
    found, word, depth = [], "", 0
    for char in value + " ":
        depth += (char == "(") - (char == ")")
        if not (char.isspace() and depth == 0):
            word += char
        elif word:
            found.append(word)
            word = ""
    return found


def lopsided_radius(value: str) -> bool:
    """Whether a `border-radius` rounds a left corner unlike its right one."""
    for part in value.split("/"):
        radii = words(part)
        # Four: top-left, top-right, bottom-right, bottom-left; fewer repeat
        # across the sides, so only all alike is the same both ways.
        if len(radii) == 4:
            if radii[0] != radii[1] or radii[2] != radii[3]:
                return True
        elif len(set(radii)) > 1:
            return True
    return False


def names_a_side(name: str, value: str) -> bool:
    value = STRING.sub('""', value)
    if SIDE_IN_VALUE.search(value) or SIDEWAYS_SHIFT.search(value):
        return True
    if name.startswith("--"):
        return False
    if SIDE_IN_NAME.search(name):
        return True
    if name in FOUR_SIDES:
        sides = words(value.removesuffix("!important").strip())
        return len(sides) == 4 and sides[1] != sides[3]
    if name == "border-radius":
        return lopsided_radius(value)
    if name == "translate":
        return bool(words(value)) and not re.fullmatch(r"0[a-z%]*", words(value)[0])
    if name in ORIGINS:
        return not set(words(value)) <= CENTRED
    return False


def physical_sides(css: str) -> list[tuple[str, str]]:
    """Return the (selector, property) of every declaration of `css` that
    names a left or a right side (or shifts sideways)."""
    return [
        (selector, name) for selector, name, value in declarations(css) if names_a_side(name, value)
    ]


@pytest.mark.parametrize(
    ("css", "found"),
    [
        ("a { margin-left: 1rem }", [("a", "margin-left")]),
        (".x { position: absolute; left: 0; right: 0 }", [(".x", "left"), (".x", "right")]),
        ("p { text-align: right; color: var(--ink) }", [("p", "text-align")]),
        ("img { float: left }", [("img", "float")]),
        ("a { border-left: 6px solid var(--brand) }", [("a", "border-left")]),
        ("a { border-top-left-radius: 2px }", [("a", "border-top-left-radius")]),
        ("a { margin: 0 1.5rem 0 0.75rem }", [("a", "margin")]),
        ("a { padding: 0 calc(1rem + 2px) 0 0 !important }", [("a", "padding")]),
        ("a { margin: 0 calc(var(--x) + 1px) 0 calc(var(--x) + 2px) }", [("a", "margin")]),
        ("a { border-radius: 1rem 0 }", [("a", "border-radius")]),
        ("a { border-radius: 1rem 1rem 0 0 / 2px 3px }", [("a", "border-radius")]),
        ("a { transform: translateX(4px) }", [("a", "transform")]),
        ("a { transform: scale(2) translate(-50%, 0) }", [("a", "transform")]),
        ("a { translate: 1rem }", [("a", "translate")]),
        ("a { background-position: 1rem top }", [("a", "background-position")]),
        ("a { transform-origin: 0 0 }", [("a", "transform-origin")]),
        ("a { background: url(data:x;y) no-repeat left }", [("a", "background")]),
        (
            "@media (max-width: 19rem) { main, .card { padding-right: 0 } }",
            [("main, .card", "padding-right")],
        ),
        ("a { margin: 0 1rem; padding: 1px 2px 3px 2px; inset: 0 }", []),
        ("a { margin: 0 calc(var(--x) + 1px) 2px calc(var(--x) + 1px) }", []),
        ("a { margin-inline-start: 1rem; inset-inline: 0; border-inline-end: 1px solid }", []),
        ("a { text-align: start; float: inline-end }", []),
        ("a { border-radius: 1rem 1rem 0 0; border-start-start-radius: 2px }", []),
        ("a { transform: translateY(-110%) } b { transform: translate(0, 2px) }", []),
        ('[dir="rtl"] .icon { transform: scaleX(-1) }', []),
        ('a::after { content: " left " / "right" }', []),
        (".leaflet-tooltip-left::before { border-top-color: var(--paper) }", []),
        ("a { --left-gap: 1rem; width: var(--left-gap); transform-origin: center }", []),
    ],
)
def test_physical_sides_are_recognised(css, found):
    assert physical_sides(css) == found


@pytest.mark.parametrize("name", PUBLIC_STYLESHEETS)
def test_public_styles_name_no_side_but_the_maps(name):
    css = (STATIC / name).read_text(encoding="utf-8")
    assert set(physical_sides(css)) - MAP_KEPT_LEFT_TO_RIGHT == set()


def test_every_exception_is_still_needed():
    css = "".join((STATIC / name).read_text(encoding="utf-8") for name in PUBLIC_STYLESHEETS)
    assert set(physical_sides(css)) >= MAP_KEPT_LEFT_TO_RIGHT


def test_the_map_itself_is_kept_left_to_right():
    css = (STATIC / "public" / "public.css").read_text(encoding="utf-8")
    assert (".map", "direction", "ltr") in declarations(css)
