"""Serving and reloading: MkDocs' ``LiveReloadServer`` with a native file watcher, and a :class:`.ServedSite`
as its builder."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import watchdog.events
from mkdocs.livereload import LiveReloadServer, _serve_url

from ..config import Config
from ..vault.files import SKIP_DIRS
from .rebuild import ServedSite


class _LiveReload(LiveReloadServer):
    """MkDocs' live-reload server, bound at once (port 0 gives a free port) and woken only by changes to files."""

    events: set[tuple[str, str, str]]  # seen since the last rebuild began (kind, path, destination)

    def take_events(self) -> set[tuple[str, str, str]]:
        with self._rebuild_cond:
            events, self.events = self.events, set()
            return events

    def watch_tree(self, path: str) -> None:
        if not hasattr(self, "events"):
            self.events = set()
        path = str(Path(path).resolve())

        def changed(event) -> None:
            if event.event_type in ("opened", "closed_no_write"):  # our own reads of the vault
                return
            if all(_hidden(p, path) for p in (event.src_path, getattr(event, "dest_path", "") or event.src_path)):
                return  # e.g. Obsidian saving .obsidian/workspace.json: no page changes, no browser reload
            with self._rebuild_cond:
                self.events.add((event.event_type, os.fsdecode(event.src_path),
                                 os.fsdecode(getattr(event, "dest_path", "") or "")))
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = changed  # type: ignore[method-assign]
        self._watched_paths[path] = 1  # (MkDocs injects the reload script only when something is watched)
        self._watch_refs[path] = self.observer.schedule(handler, path, recursive=Path(path).is_dir())


def _hidden(path: str | bytes, root: str) -> bool:
    """A path the vault model never reads (``.obsidian/``, ``.git/``, dot-files …), except Obsidian's app.json."""
    rel = os.path.relpath(os.fsdecode(path), root).replace(os.sep, "/")
    if rel == ".obsidian/app.json" or rel.startswith(".."):
        return False
    return any(part.startswith(".") or part in SKIP_DIRS for part in rel.split("/") if part != ".")


class Server:
    """``notedeck serve``: a :class:`ServedSite` behind MkDocs' live-reload server."""

    def __init__(self, config: Config, dev_addr: str = "127.0.0.1:8000",
                 echo: Callable[[str], None] | None = None) -> None:
        host, _, port = dev_addr.rpartition(":")
        self.host, self.port = host or "127.0.0.1", int(port or 8000)
        self.config = config
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        self.work = Path(tempfile.mkdtemp(prefix="notedeck-serve-"))
        self.site: ServedSite | None = None
        self.server: _LiveReload | None = None
        self._loop: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def start(self) -> str:
        """Bind, build the site, start watching and serving; returns the site's URL."""
        _quiet_mkdocs()
        mount = urlsplit(str(self.config.mkdocs.get("site_url") or "/")).path
        self.server = server = _LiveReload(builder=self._build, host=self.host, port=self.port,
                                           root=str(self.work), mount_path=mount)
        try:  # a native watcher (inotify, FSEvents …): an edit is seen at once, not at the next 0.5 s poll
            from watchdog.observers import Observer

            server.observer = Observer()
        except Exception:  # pragma: no cover - MkDocs' polling observer stays
            pass
        server.server_bind()  # now, so that port 0 gives a free port the site's URLs can use
        server.server_activate()
        server.url = _serve_url(self.host, server.server_address[1], mount)
        self.site = ServedSite(self.config, self.work, server.url, self.echo, publish=self._publish)
        self.site.start()
        try:
            self._watch(server)
        except OSError:  # e.g. Linux's inotify watch limit on a huge vault: poll, as MkDocs does
            from watchdog.observers.polling import PollingObserver

            server.observer = PollingObserver(timeout=0.5)
            server._watched_paths.clear()
            self._watch(server)
        server.observer.start()
        server.serve_thread.start()
        self._loop = threading.Thread(target=server._build_loop, name="notedeck-serve-rebuild", daemon=True)
        self._loop.start()
        self.echo(f"notedeck serve: serving on {server.url}")
        return server.url

    def _watch(self, server: _LiveReload) -> None:
        assert self.site is not None
        server.watch_tree(str(self.site.root))
        if self.config.mkdocs_yml:
            server.watch_tree(str(self.config.mkdocs_yml))

    def _publish(self, site_dir: Path) -> None:
        assert self.server is not None
        self.server.root = str(site_dir)

    def _build(self) -> None:
        assert self.site is not None and self.server is not None
        if self.site.rebuild(self.server.take_events()) is None:  # nothing the site shows changed: browsers need not reload
            self.server._wanted_epoch = self.server._visible_epoch

    def stop(self) -> None:
        server = self.server
        if server is not None:
            server.shutdown()  # (stops the watcher and the rebuild loop, and the HTTP thread when it runs)
        if self._loop is not None:
            self._loop.join(timeout=60)
        gc.unfreeze()  # (the served model may now be collected)
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _quiet_mkdocs() -> None:
    """MkDocs' own messages: warnings and errors only (ours are printed as diagnostics)."""
    log = logging.getLogger("mkdocs")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False
