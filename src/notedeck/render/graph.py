"""A page's local graph: the note, the notes it links to (or embeds) and the notes linking to it, as an inline SVG
laid out when the site is built — no script, no CDN, the same picture offline.

Layout: the note in the middle, its neighbours at even angles on an ellipse (a larger one beyond
:data:`RING_LIMIT`), ordered by kind (links out, both ways, links in) then title, so the picture of a page is the
same on every build. Each node is a link to its page (page-relative, :func:`~notedeck.render.urls.relative_url`);
an edge's arrow points the way the link goes. Private notes and broken links never appear. At most
:data:`MAX_NODES` neighbours are drawn; the caption says how many more there are.

The drawing (edges, arrows, dots) is an SVG; each node's label is an HTML link placed over it, so Material's
instant navigation and hover previews treat it like any other link (they rewrite every link's ``href``, which an
SVG ``<a>`` does not allow: the script stops). Colours are Material's CSS variables (light and dark schemes both
work); the graph is left out of the search index (``data-search-exclude``).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .urls import relative_url

if TYPE_CHECKING:
    from ..vault import Note
    from .site import SiteIndex

WIDTH, HEIGHT, DENSE_HEIGHT = 640, 280, 340
RX, RY = 150, 100  # the ellipse the neighbours sit on; DENSE_RX, DENSE_RY beyond RING_LIMIT neighbours
DENSE_RX, DENSE_RY = 180, 135
RING_LIMIT = 10
MAX_NODES = 20
LABEL_CHARS = 10  # longer titles are cut (the full title is the node's tooltip)
KINDS = ("out", "both", "in")
_COLOURS = {
    "self": "var(--md-accent-fg-color, #526cfe)",
    "out": "var(--md-primary-fg-color, #4051b5)",
    "both": "var(--md-primary-fg-color, #4051b5)",
    "in": "var(--md-default-fg-color--light, #888)",
}


@dataclass(frozen=True)
class Node:
    rel: str
    title: str
    kind: str  # "self", "out", "in" or "both"
    x: float
    y: float


def neighbours(note: Note, site: SiteIndex) -> list[tuple[str, str]]:
    """``(rel, kind)`` of the published notes ``note`` links to or embeds, and of those linking to it, in layout
    order (kind, then title, then path)."""
    vault = site.vault
    out: set[str] = set()
    for link in note.links:
        r = vault.resolve(link, note)
        t = r.note
        if r.ok and t is not None and not t.private and t.rel != note.rel:
            out.add(t.rel)
    into = {rel for rel in site.backlinks.get(note.rel, []) if not vault.notes[rel].private}
    kinds = {rel: "both" if rel in into else "out" for rel in out}
    kinds.update({rel: "in" for rel in into - out})
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(kinds.items(), key=lambda rk: (order[rk[1]], vault.notes[rk[0]].title.casefold(), rk[0]))


def layout(note: Note, site: SiteIndex) -> tuple[list[Node], int]:
    """The nodes with their positions (the note first) and how many neighbours were left out."""
    found = neighbours(note, site)
    shown, hidden = found[:MAX_NODES], max(0, len(found) - MAX_NODES)
    n = len(shown)
    cx, cy = WIDTH / 2, _height(n) / 2
    nodes = [Node(note.rel, note.title, "self", cx, cy)]
    for i, (rel, kind) in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        rx, ry = (DENSE_RX, DENSE_RY) if n > RING_LIMIT else (RX, RY)
        nodes.append(Node(rel, site.vault.notes[rel].title, kind,
                          round(cx + rx * math.cos(angle), 1), round(cy + ry * math.sin(angle), 1)))
    return nodes, hidden


def _height(n: int) -> int:
    return DENSE_HEIGHT if n > RING_LIMIT else HEIGHT


def _label(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…"


def local_graph(note: Note, site: SiteIndex, title: str = "Local graph") -> str:
    """The graph section of ``note``'s page, or ``""`` when the note links nowhere and nothing links to it."""
    nodes, hidden = layout(note, site)
    if len(nodes) == 1:
        return ""
    here = site.page_of(note.rel)
    centre = nodes[0]
    edges = []
    for node in nodes[1:]:
        start = ' marker-start="url(#notedeck-graph-arrow-back)"' if node.kind in ("in", "both") else ""
        end = ' marker-end="url(#notedeck-graph-arrow)"' if node.kind in ("out", "both") else ""
        # stop short of the circles so the arrowheads show
        dx, dy = node.x - centre.x, node.y - centre.y
        d = math.hypot(dx, dy) or 1.0
        x1, y1 = centre.x + dx / d * 9, centre.y + dy / d * 9
        x2, y2 = node.x - dx / d * 7, node.y - dy / d * 7
        edges.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"{start}{end}/>')
    height = _height(len(nodes) - 1)
    dots, links = [], []
    for node in nodes:
        url = html.escape(relative_url(site.page_of(node.rel), here))
        r = 7 if node.kind == "self" else 5
        dots.append(f'<circle cx="{node.x}" cy="{node.y}" r="{r}" fill="{_COLOURS[node.kind]}"/>')
        dx, dy = node.x - centre.x, node.y - centre.y
        if node.kind == "self":
            lx, ly, shift = node.x, node.y + 18, "-50%,-50%"
        else:
            d = math.hypot(dx, dy) or 1.0
            lx, ly = node.x + dx / d * 10, node.y + dy / d * 10
            shift = "0,-50%" if dx / d > 0.2 else "-100%,-50%" if dx / d < -0.2 else "-50%,-50%"
            ly += 6 if dy / d > 0.9 else -6 if dy / d < -0.9 else 0
        weight = "font-weight:bold;" if node.kind == "self" else ""
        links.append(f'<a href="{url}" class="notedeck-graph-{node.kind}" title="{html.escape(node.title)}" '
                     f'style="position:absolute;left:{lx / WIDTH * 100:.2f}%;top:{ly / height * 100:.2f}%;'
                     f'transform:translate({shift});{weight}">{html.escape(_label(node.title))}</a>')
    more = f'<p class="notedeck-graph-more">+{hidden} …</p>\n' if hidden else ""
    arrow = ('<marker id="notedeck-graph-arrow{id}" viewBox="0 0 10 10" refX="{ref}" refY="5" markerWidth="6" '
             'markerHeight="6" orient="auto"><path d="{path}" fill="var(--md-default-fg-color--lighter, #bbb)"/></marker>')
    defs = (arrow.format(id="", ref="9", path="M0,0 L10,5 L0,10 z")
            + arrow.format(id="-back", ref="1", path="M10,0 L0,5 L10,10 z"))
    label = html.escape(f"{title}: {note.title}")
    # The picture is SVG; the nodes' links are HTML links laid over it (Material's instant navigation and previews
    # rewrite every link's href, which an SVG <a> does not allow: its script would stop on the page).
    return (f'<div class="notedeck-graph" data-search-exclude>\n'
            f'<p class="notedeck-graph-title">{html.escape(title)}</p>\n'
            f'<nav class="notedeck-graph-canvas" aria-label="{label}" style="position:relative;max-width:{WIDTH}px;'
            f'aspect-ratio:{WIDTH}/{height};font-size:min(12px,2.6vw);line-height:1.2;white-space:nowrap;overflow:hidden">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" aria-hidden="true" '
            f'style="position:absolute;inset:0;width:100%;height:100%">'
            f'<defs>{defs}</defs>'
            f'<g stroke="var(--md-default-fg-color--lighter, #bbb)" stroke-width="1.2">{"".join(edges)}</g>'
            f'{"".join(dots)}</svg>{"".join(links)}</nav>\n{more}</div>\n')
