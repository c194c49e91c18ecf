"""Small static files the plugin adds to every site: CSS for notedeck's classes, and math's CSS and font."""

from __future__ import annotations

from pathlib import Path

from ..render import math

CSS_PATH = "assets/notedeck/notedeck.css"
MATH_CSS_PATH = "assets/notedeck/math.css"  # its font lies next to it, as the CSS names it

CSS = """\
.md-typeset .notedeck-broken { color: var(--md-code-hl-number-color, #c0392b); text-decoration: underline dotted; cursor: help; }
.md-typeset .notedeck-private-embed { color: var(--md-default-fg-color--light); font-style: italic; }
.md-typeset .notedeck-tag, .md-typeset a.notedeck-tag {
  display: inline-block; padding: 0 .4em; border-radius: .8em; font-size: .85em;
  background: var(--md-accent-fg-color--transparent); color: var(--md-accent-fg-color);
}
.md-typeset .admonition.embed, .md-typeset details.embed { border-color: var(--md-default-fg-color--lighter); }
.md-typeset .embed > .admonition-title, .md-typeset .embed > summary { background: var(--md-default-fg-color--lightest); }
.md-typeset .embed > .admonition-title::before, .md-typeset .embed > summary::before {
  background-color: var(--md-default-fg-color--light);
  -webkit-mask-image: var(--md-admonition-icon--quote); mask-image: var(--md-admonition-icon--quote);
}
.md-typeset .notedeck-backlinks {
  margin-top: 2.5em; padding-top: .8em; border-top: .05rem solid var(--md-default-fg-color--lightest); font-size: .9em;
}
.md-typeset .notedeck-backlinks-title { font-weight: 700; margin-bottom: .2em; }
.md-typeset iframe.notedeck-pdf { border: .05rem solid var(--md-default-fg-color--lightest); }
.md-typeset video.notedeck-video { max-width: 100%; }
.md-typeset .notedeck-status { margin: -.6em 0 1em; font-size: .75em; color: var(--md-default-fg-color--light); }
.md-typeset .notedeck-status-passed, .md-typeset .notedeck-status-xfail { color: #2e7d32; }
.md-typeset .notedeck-status-failed { color: #c62828; }
.md-typeset .notedeck-tested { font-size: .8em; color: var(--md-default-fg-color--light); }
.md-typeset .notedeck-output {
  border-left: .2em solid var(--md-accent-fg-color--transparent); margin: -.6em 0 1em; padding-left: .6em;
}
.md-typeset .notedeck-output-title { margin: .2em 0; font-size: .75em; color: var(--md-default-fg-color--light); }
"""


def files() -> dict[str, str | Path]:
    """Site path → content (text) or source file, for every file the plugin adds."""
    from ..render.cards import CSS as CARDS_CSS

    out: dict[str, str | Path] = {CSS_PATH: CSS + CARDS_CSS}
    folder = MATH_CSS_PATH.rsplit("/", 1)[0]
    for rel, source in math.assets().items():
        out[f"{folder}/{rel}"] = source
    return out
