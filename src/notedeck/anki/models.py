"""The note types notedeck writes. Their ids are constants: never change them, or every user's
collection gets a second copy of each note type (bump ``MODEL_MOD`` instead when templates change)."""

from __future__ import annotations

import genanki
from pygments.formatters import HtmlFormatter

BASIC_ID = 1735_000_001
REVERSED_ID = 1735_000_002
CLOZE_ID = 1735_000_003
#: Modification time written for the note types; bump when templates or CSS change so Anki updates them.
MODEL_MOD = 1764_300_000

_CONTEXT = '<div class="nd-context">{{Context}}</div>'
_SOURCE = '<div class="nd-source">{{Source}}</div>'

CSS = """\
.card { font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  font-size: 20px; text-align: left; color: #222; background: #fff; line-height: 1.5; max-width: 46em;
  margin: 0 auto; padding: 0 .5em; }
.nightMode.card, .night_mode .card { color: #ddd; background: #222; }
.nd-context { font-size: 13px; color: #888; margin-bottom: .8em; }
.nd-source { font-size: 12px; color: #888; margin-top: 1.2em; }
.nd-source a { color: #888; }
.nd-back { margin-top: .4em; }
mark { background: #fff3a3; color: inherit; padding: 0 .1em; }
.cloze { font-weight: bold; color: #1565c0; }
.nightMode .cloze { color: #90caf9; }
.nd-tag { color: #1565c0; font-size: .85em; }
.nd-missing { color: #b00020; font-style: italic; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .5em; }
code { font-family: "JetBrains Mono", Menlo, Consolas, monospace; font-size: .9em; background: #f3f3f3;
  padding: 0 .2em; border-radius: 3px; }
.highlight pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; font-size: 15px; border-radius: 4px; }
.highlight pre code { background: none; padding: 0; }
""" + HtmlFormatter(style="default").get_style_defs(".highlight")


class _Model(genanki.Model):
    """A genanki model whose ``mod`` is :data:`MODEL_MOD`, not the build time."""

    def to_json(self, timestamp: float, deck_id):  # type: ignore[override]
        return super().to_json(MODEL_MOD, deck_id)


_FB_FIELDS = [{"name": "Front"}, {"name": "Back"}, {"name": "Context"}, {"name": "Source"}]

BASIC = _Model(
    BASIC_ID, "notedeck Basic", fields=_FB_FIELDS,
    templates=[{"name": "Card 1",
                "qfmt": _CONTEXT + '<div class="nd-front">{{Front}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="nd-back">{{Back}}</div>' + _SOURCE}],
    css=CSS)

REVERSED = _Model(
    REVERSED_ID, "notedeck Basic (and reversed card)", fields=_FB_FIELDS,
    templates=[{"name": "Card 1",
                "qfmt": _CONTEXT + '<div class="nd-front">{{Front}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="nd-back">{{Back}}</div>' + _SOURCE},
               {"name": "Card 2",
                "qfmt": _CONTEXT + '<div class="nd-front">{{Back}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="nd-back">{{Front}}</div>' + _SOURCE}],
    css=CSS)

CLOZE = _Model(
    CLOZE_ID, "notedeck Cloze",
    fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Context"}, {"name": "Source"}],
    templates=[{"name": "Cloze",
                "qfmt": _CONTEXT + "{{cloze:Text}}",
                "afmt": _CONTEXT + '{{cloze:Text}}<div class="nd-back">{{Extra}}</div>' + _SOURCE}],
    css=CSS, model_type=genanki.Model.CLOZE)

MODELS = {"basic": BASIC, "reversed": REVERSED, "cloze": CLOZE}
