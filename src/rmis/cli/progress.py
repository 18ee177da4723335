"""A progress bar over named stages, for commands whose work comes in a few long steps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def rows_progress(console: Console, title: str, total: int) -> Iterator[Callable[[int], None]]:
    """Yields `advance(rows)` for a bar over `total` rows (an import, a load)."""
    with Progress(TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console) as progress:  # fmt: skip
        task = progress.add_task(title, total=total)
        yield lambda rows: progress.advance(task, rows)


@contextmanager
def stage_progress(console: Console, title: str, stages: int) -> Iterator[Callable[[str], None]]:
    """Yields `advance(stage_name)`: call it as each stage starts."""
    with Progress(TextColumn(f"{title}: {{task.description}}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console) as progress:  # fmt: skip
        task = progress.add_task("starting", total=stages)
        started = [False]

        def advance(stage: str) -> None:
            if started[0]:
                progress.advance(task)
            started[0] = True
            progress.update(task, description=stage)

        yield advance
        progress.update(task, completed=stages, description="done")
