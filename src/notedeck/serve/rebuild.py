"""The served site: one full MkDocs build, then per-page re-renders of what an edit changes (the design:
:mod:`notedeck.serve`)."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from ..config import Config
from ..site.default_config import write_default_config
from ..vault import Diagnostic, Diagnostics, Vault
from ..vault.files import VaultFiles, discover
from .deps import LinkGraph, affected, shape

Stat = tuple[int, int]  # (mtime_ns, size)


@dataclass
class Rebuild:
    """What one rebuild did (kept for tests and the benchmark; printed as one line plus diagnostics)."""

    changed: list[str]  # vault-relative files that changed (added, edited, removed)
    pages: list[str]  # notes whose pages were re-rendered ([] for a full build)
    full: bool
    reason: str
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str = ""


@dataclass
class _Snapshot:
    files: VaultFiles
    stats: dict[str, Stat]
    config: tuple[Stat | None, Stat | None]


def _stat(path: Path) -> Stat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class ServedSite:
    """The site in ``site_dir``: built once, then kept up to date by :meth:`rebuild` (which never raises)."""

    def __init__(self, config: Config, work: Path, serve_url: str, echo: Callable[[str], None] | None = None,
                 publish: Callable[[Path], None] | None = None) -> None:
        self.config = config
        self.root = Path(config.vault).resolve()
        self.work = Path(work)
        self.serve_url = serve_url
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        self.publish = publish or (lambda path: None)  # told the folder to serve after each full build
        self.site_dir: Path | None = None
        self._builds = 0
        self.config_file = config.mkdocs_yml or write_default_config(self.work, self.root, self.work / "site",
                                                                     config.site_name)
        self.vault: Vault | None = None
        self.graph: LinkGraph | None = None
        self.snapshot: _Snapshot | None = None
        self._before: _Snapshot | None = None
        self.history: list[Rebuild] = []
        self.needs_full = False
        self._mk = self._plugin = self._files = self._nav = self._env = None
        self._lock = threading.Lock()
        self._search_pending = False
        self._done = threading.Condition()

    # -- the first build
    def start(self) -> None:
        t0 = time.perf_counter()
        self.snapshot = self._take_snapshot()
        self.vault = Vault.load(self.root, progress=False)
        self._full_build()
        self.graph = LinkGraph.of(self.vault)
        for d in self.vault.diagnostics.sorted():
            self.echo(str(d))
        self.echo(f"notedeck serve: {len(self.vault.notes)} notes built in {time.perf_counter() - t0:.1f} s "
                  f"({self.vault.diagnostics.summary()})")

    def _full_build(self) -> list[Diagnostic]:
        """MkDocs' own full build of the (already loaded) vault into ``site_dir``; keeps what the pages need."""
        from mkdocs.commands.build import build

        from ..site.emit import load_mkdocs_config
        from ..site.plugin import NotedeckPlugin

        assert self.vault is not None
        self._builds += 1
        self._search_pending = False  # (this build writes its own search index)
        site_dir = self.work / f"site-{self._builds}"  # a fresh folder: a failed build leaves the last one served
        mk = load_mkdocs_config(self.config_file, site_dir=site_dir)
        mk.site_url = self.serve_url
        plugin = mk.plugins.get("notedeck")
        if plugin is None:  # a project mkdocs.yml without our plugin: notes still need its pages
            plugin = NotedeckPlugin()
            plugin.load_config({}, str(self.config_file))
            mk.plugins["notedeck"] = plugin
        plugin.preloaded = self.vault
        plugin.collect = Diagnostics()
        keep = _Keep()
        mk.plugins["notedeck-serve"] = keep
        mk.plugins.on_startup(command="serve", dirty=False)
        try:
            build(mk, serve_url=self.serve_url)
        except BaseException:
            shutil.rmtree(site_dir, ignore_errors=True)
            raise
        finally:
            mk.plugins.on_shutdown()
        self._mk, self._plugin, self._files, self._nav, self._env = mk, plugin, keep.files, keep.nav, keep.env
        # The model and the build's pages live until the next full build: keep the garbage collector from scanning
        # them on every rebuild (a full collection over them pauses ~0.5–1 s at 2,000 notes). The next full build
        # unfreezes them (the notedeck plugin's on_post_build) so what it replaced can be collected.
        gc.collect()
        gc.freeze()
        old, self.site_dir = self.site_dir, site_dir
        self.publish(site_dir)
        if old is not None:  # (a request that arrived during this build may still open a file of the last one)
            for stale in self.work.glob("site-*"):
                if stale not in (old, site_dir):
                    shutil.rmtree(stale, ignore_errors=True)
        return list(plugin.collect)

    # -- watching
    def _take_snapshot(self) -> _Snapshot:
        files = discover(self.root)
        stats = {}
        for rel in (*files.notes, *files.attachments):
            st = _stat(self.root / rel)
            if st is not None:
                stats[rel] = st
        cfg = (_stat(self.config.mkdocs_yml) if self.config.mkdocs_yml else None,
               _stat(self.root / ".obsidian" / "app.json"))  # (Obsidian's strictLineBreaks)
        return _Snapshot(files, stats, cfg)

    def _quick_snapshot(self, events: set[tuple[str, str, str]] | None) -> _Snapshot | None:
        """The last snapshot with the files of ``events`` stat'ed again, when the events are only modifications of
        files already known (the common save); ``None`` when the whole vault must be walked again."""
        old = self.snapshot
        if not events or old is None:
            return None
        stats = dict(old.stats)
        for kind, src, dest in events:
            if kind not in ("modified", "closed") or dest:
                return None
            rel = os.path.relpath(src, self.root).replace(os.sep, "/")
            if rel not in stats:
                return None
            st = _stat(self.root / rel)
            if st is None:
                return None
            stats[rel] = st
        return _Snapshot(old.files, stats, old.config)

    def rebuild(self, events: set[tuple[str, str, str]] | None = None) -> Rebuild | None:
        """Bring the served site up to date with the vault on disk; ``None`` when nothing changed. Never raises.
        ``events``: (kind, path, destination) of the file events seen since the last rebuild, a hint that spares
        walking the vault when only known files were modified."""
        with self._lock:
            t0 = time.perf_counter()
            changed: list[str] = []
            try:
                result = self._rebuild(t0, changed, events)
            except Exception as e:  # a bug of ours or of a plugin: report it, keep the last good pages served
                self.needs_full = True
                self.snapshot = self._before  # the changed files are read again next time
                where = changed[0] if changed else str(self.root)
                d = Diagnostic(str(self.root / where) if changed else where, 0, 0, "error", "internal-error",
                               f"rebuild failed: {type(e).__name__}: {e} (the last good pages stay served; "
                               "the next change rebuilds everything)")
                result = Rebuild(changed, [], False, "error", time.perf_counter() - t0, [d],
                                 traceback.format_exc())
                self._print(result)
            if result is not None:
                with self._done:
                    self.history.append(result)
                    self._done.notify_all()
            return result

    def _rebuild(self, t0: float, changed: list[str], events: set[tuple[str, str, str]] | None) -> Rebuild | None:
        assert self.vault is not None and self.graph is not None and self.snapshot is not None
        old = self._before = self.snapshot
        new = self._quick_snapshot(events) or self._take_snapshot()
        changed += sorted({rel for rel in old.stats.keys() | new.stats.keys() if old.stats.get(rel) != new.stats.get(rel)})
        config_changed = old.config != new.config
        if not changed and not config_changed and not self.needs_full:
            return None
        self.snapshot = new
        vault, graph = self.vault, self.graph
        notes = [rel for rel in changed if rel.lower().endswith(".md")]
        before = {rel: shape(vault.notes.get(rel)) for rel in notes}
        aliases = {rel: vault.notes[rel].aliases for rel in notes if rel in vault.notes}
        linkers = graph.dependents(notes)
        diags = vault.refresh(new.files, notes)
        reason = ""
        if config_changed:
            reason = "mkdocs.yml or .obsidian/app.json changed"
        elif self.needs_full:
            reason = "the last rebuild failed"
        elif set(old.files.notes) != set(new.files.notes):
            reason = "a note was added, removed or renamed"
        elif set(old.files.attachments) != set(new.files.attachments):
            reason = "an attachment was added or removed"
        elif any(before[rel] != shape(vault.notes.get(rel)) for rel in notes):
            reason = "a title, tag or publish setting changed"
        renamed = any(vault.notes[r].aliases != a for r, a in aliases.items() if r in vault.notes)
        if reason or renamed:  # any link may resolve otherwise now
            everything = list(vault.notes)
            delta = graph.update(vault, [*everything, *(r for r in notes if r not in vault.notes)])
        else:
            delta = graph.update(vault, [*notes, *linkers])
        pages = affected(graph, delta, [r for r in notes if r in vault.notes])
        if not reason and any("material/tags" in vault.notes[r].text for r in pages if r in vault.notes):
            reason = "a page with a tags listing changed"  # (Material fills listings once per build)
        # report: the changed notes, and the notes whose links now resolve otherwise (e.g. to a renamed note)
        checked = sorted({r for r in notes if r in vault.notes}
                         | {r for r, (a, b) in delta.scans.items() if a and b and a.sigs != b.sigs})
        diags += [d for rel in checked for d in vault.check_note(vault.notes[rel])]
        if reason:
            self.needs_full = True  # until the build succeeds
            diags += self._full_build()
            self.needs_full = False
            result = Rebuild(changed, [], True, reason, time.perf_counter() - t0, diags)
        else:
            diags += self._render([r for r in sorted(pages) if r in vault.notes], delta.backlinks)
            self._copy([rel for rel in changed if rel in vault.attachments])
            result = Rebuild(changed, sorted(pages), False, "", time.perf_counter() - t0, diags)
        self._print(result)
        return result

    # -- re-rendering pages
    def _render(self, rels: list[str], backlinks: set[str]) -> list[Diagnostic]:
        """Re-render the pages of ``rels`` into the site folder with MkDocs' own page steps."""
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.structure.files import InclusionLevel

        from ..site.plugin import NotePage
        from ..site.publish import refresh_cards

        mk, plugin, files = self._mk, self._plugin, self._files
        assert mk is not None and plugin is not None and files is not None and self.graph is not None
        site = plugin.site
        for rel in backlinks:
            back = self.graph.backlinks(rel)
            if back:
                site.backlinks[rel] = back
            else:
                site.backlinks.pop(rel, None)
        refresh_cards(site, plugin.vault or self.vault, rels, dict(plugin.config))  # type: ignore[arg-type]
        plugin.collect = Diagnostics()
        plugin.reported.clear()
        problems: list[Diagnostic] = []
        pages = []
        for rel in rels:
            f = files.get_file_from_path(rel)
            page = f.page if f is not None else None
            if not isinstance(page, NotePage):
                continue  # private, or not a page of the site
            page._notedeck = (plugin, self.vault.notes[rel])  # type: ignore[union-attr]
            try:
                _populate_page(page, mk, files)
            except Exception as e:
                problems.append(self._internal(rel, e))
                continue
            pages.append(page)
        search = _search_plugin(mk)
        if search is not None:
            urls = {p.url for p in pages}
            search.search_index.entries = [e for e in search.search_index.entries
                                           if e["location"].split("#", 1)[0] not in urls]
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for page in pages:
            try:
                _build_page(page, mk, doc_files, self._nav, self._env)
            except Exception as e:
                problems.append(self._internal(page.file.src_uri, e))
        if search is not None and pages:
            self._search_pending = True
            threading.Thread(target=self._write_search_index, args=(search,), daemon=True).start()
        return [*plugin.collect, *problems]

    def _write_search_index(self, search) -> None:
        """Material's search index, rewritten after the pages are served (it holds every page: ~0.1 s at 2,000
        notes); atomically, so a search never reads half a file."""
        with self._lock:
            if not self._search_pending or self.site_dir is None:
                return
            self._search_pending = False
            path = self.site_dir / "search" / "search_index.json"
            tmp = path.with_suffix(".json.tmp")
            try:
                tmp.write_text(search.search_index.generate_search_index(None), encoding="utf-8")
                os.replace(tmp, path)
            except Exception as e:  # never a traceback in a thread: report it
                self.echo(str(Diagnostic(str(path), 0, 0, "error", "internal-error",
                                         f"could not write the search index: {type(e).__name__}: {e}")))

    def _copy(self, rels: list[str]) -> None:
        assert self._files is not None
        for rel in rels:
            f = self._files.get_file_from_path(rel)
            if f is not None:
                f.copy_file(dirty=False)

    def _internal(self, rel: str, e: Exception) -> Diagnostic:
        self.needs_full = True
        return Diagnostic(str(self.root / rel), 0, 0, "error", "internal-error",
                          f"could not re-render this page: {type(e).__name__}: {e}; the last good one stays served")

    def _print(self, r: Rebuild) -> None:
        what = ", ".join(r.changed[:3]) + (f" and {len(r.changed) - 3} more" if len(r.changed) > 3 else "")
        if r.error:
            done = "rebuild failed"
        elif r.full:
            done = f"full rebuild ({r.reason})"
        else:
            done = f"{len(r.pages)} page{'s' * (len(r.pages) != 1)} re-rendered"
        self.echo(f"notedeck serve: {what or 'configuration'}: {done} in {r.seconds:.2f} s")
        seen = set()
        for d in sorted(r.diagnostics, key=lambda d: (d.path, d.line, d.col, d.code)):
            if d not in seen:
                seen.add(d)
                self.echo(str(d))

    def wait(self, count: int, timeout: float = 60.0) -> list[Rebuild]:
        """Block until ``count`` rebuilds have happened (for tests); returns the history."""
        with self._done:
            self._done.wait_for(lambda: len(self.history) >= count, timeout=timeout)
            return list(self.history)


class _Keep(BasePlugin):
    """An extra MkDocs plugin, run after every other: keeps the files, navigation and environment of a full build."""

    files = nav = env = None

    @event_priority(-100)
    def on_files(self, files, *, config):
        self.files = files
        return files

    @event_priority(-100)
    def on_nav(self, nav, *, config, files):
        self.nav, self.files = nav, files
        return nav

    @event_priority(-100)
    def on_env(self, env, *, config, files):
        self.env = env
        return env


def _search_plugin(mk):
    for name in ("material/search", "search"):
        p = mk.plugins.get(name)
        if p is not None and hasattr(p, "search_index"):
            return p
    return None
