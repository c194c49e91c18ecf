"""``notedeck serve``: the site, live, re-rendering only the pages an edit changes.

How, and why so:

* **One full MkDocs build first**, through MkDocs' own ``build`` with the ``notedeck`` plugin (the same pages as
  ``notedeck build``: theme, nav, tags, search). A small extra plugin keeps what that build made — the files, the
  navigation, the Jinja environment — and the notedeck plugin keeps the vault model and the site index in memory.
* **Then per-page re-renders**: on a change, the files the watcher named are ``stat``-ed again (when they are only
  modifications of known files; otherwise the vault is walked again, ~0.1–0.2 s at 2,000 notes) and compared
  with the last snapshot; only the notes whose files changed are re-read and re-parsed
  (:meth:`notedeck.vault.Vault.refresh`); :mod:`.deps` re-scans those notes and the notes linking
  to them and gives the pages that change (the note, its embedders, notes whose links or backlinks change);
  each of those pages goes through MkDocs' own page steps (``_populate_page``, ``_build_page``: every plugin's
  page events, the theme's template) into the served folder. Material's search index (one JSON file for the
  whole site) is rewritten with their new entries right after, in the background, while the browser reloads. A
  one-note body edit costs a few pages, not a build: ~0.25 s from save to page at 2,000 notes.
* **A full build again** (with the model already up to date, so no note is parsed twice) when the change is
  beyond a page: a note added, deleted or renamed, an attachment added or removed, a title, tag or
  ``publish``/``draft`` change (the navigation, tags index, home page and other pages' links show those),
  ``mkdocs.yml`` edited, or an earlier rebuild that failed.
* **Serving and reloading is MkDocs' ``LiveReloadServer``** (the server ``mkdocs serve`` uses: it injects the
  reload script and holds requests while a rebuild runs, so a browser never sees a half-written site), with a
  native file watcher (inotify on Linux) instead of its 0.5 s polling, and our rebuild as its builder. Saves
  that arrive while a rebuild runs are coalesced into the next one, which re-reads every file changed by then.
* **Nothing stops the server**: a half-written note is parsed as it is (its diagnostics printed; a note that
  cannot be read at all — not UTF-8 yet — keeps its last good version), and any exception of ours or of a plugin
  while rebuilding is reported as ``internal-error``; the last good pages stay served, and the next rebuild is
  a full one. Nothing is written into the vault: the site (and a generated ``mkdocs.yml``) live in a temporary
  folder, removed when the server stops.

Writing pages ourselves was preferred to ``mkdocs serve --dirty``: MkDocs' dirty mode still re-reads every
page's source, reloads the vault and re-renders the navigation, and it has no idea that a page depends on
another note (embeds, backlinks, link targets).

Modules: :mod:`.rebuild` (the served site), :mod:`.deps` (which pages an edit changes), :mod:`.server`
(watching and serving), :mod:`.command` (the CLI command). Nothing is imported here, so ``notedeck --help``
stays quick.
"""
