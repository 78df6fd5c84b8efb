"""Restart the emulated function when its source files change.

Lambda runs new code in a new execution environment, so a change is handled the
same way: the runtime process is replaced (after the invocation in flight), and
the next invocation sees the new module. Watching is a cheap mtime poll of the
``.py`` files under the task root: it needs no extra dependency, works on every
OS, and a dev-sized tree scans in a few milliseconds.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

__all__ = ["FileWatcher"]

logger = logging.getLogger(__name__)

# Trees that are never the function's own code, and can be huge.
_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "cdk.out", "build", "dist"})
# Stop scanning past this many files: a task root that large is a mistake (a home directory, say).
_MAX_FILES = 5000


class FileWatcher:
    """Polls the ``.py`` files under some roots and reports which ones changed.

    Args:
        roots: Directories (scanned recursively) or single files to watch.
        interval: Seconds between scans.
        suffixes: File suffixes that count as source.
    """

    def __init__(self, roots: Iterable[Path], *, interval: float = 0.5, suffixes: tuple[str, ...] = (".py",)):
        self.roots = [Path(root) for root in roots]
        self.interval = interval
        self.suffixes = suffixes
        self._seen = self.snapshot()

    def snapshot(self) -> dict[str, int]:
        """Modification time (ns) of every watched file, by path."""
        found: dict[str, int] = {}
        for root in self.roots:
            if root.is_file():
                self._stat(str(root), found)
                continue
            for directory, subdirs, files in os.walk(root):
                subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in _SKIPPED_DIRS]
                for name in files:
                    if name.endswith(self.suffixes):
                        self._stat(os.path.join(directory, name), found)
                if len(found) >= _MAX_FILES:
                    logger.warning("watching only the first %d files under %s", _MAX_FILES, root)
                    return found
        return found

    @staticmethod
    def _stat(path: str, found: dict[str, int]) -> None:
        try:
            found[path] = os.stat(path).st_mtime_ns
        except OSError:
            pass

    def changes(self) -> list[str]:
        """Files added, removed or modified since the previous call."""
        current = self.snapshot()
        changed = sorted(
            path for path in current.keys() | self._seen.keys() if current.get(path) != self._seen.get(path)
        )
        self._seen = current
        return changed

    async def watch(self, on_change: Callable[[list[str]], Awaitable[None]]) -> None:
        """Call ``on_change`` with the changed files after each scan that finds some; runs until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            changed = await asyncio.to_thread(self.changes)
            if changed:
                await on_change(changed)
