"""Checkpoints made while old ones are collected: the race bench/load.py found.

The server checkpoints after every write (in a thread) while the event loop collects old
generations after every query. Collecting once deleted the checkpoint being written and the
one about to become current; then every query failed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from api.workers import Generations
from kg.store.embedded import ClaimStore
from tests.api.conftest import build_store


def test_collecting_never_touches_the_checkpoint_being_made_or_the_current_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store"
    build_store(path)
    generations = Generations(path)
    generations.reset()
    failures: list[BaseException] = []
    with ClaimStore(path) as store:
        generations.checkpoint(store)
        done = threading.Event()

        def checkpoints() -> None:
            try:
                for _ in range(40):
                    generations.checkpoint(store)
            except BaseException as exc:  # the assertion below reports it
                failures.append(exc)
            finally:
                done.set()

        writer = threading.Thread(target=checkpoints)
        writer.start()
        collected = 0
        while not done.is_set():
            current = generations.current
            collected += len(generations.collect(set()))
            assert current is not None and current.exists() or generations.current != current
        writer.join()
    assert not failures, failures
    assert generations.current is not None and generations.current.exists()
    assert collected > 0  # old generations do go
    with ClaimStore(generations.current, read_only=True) as snapshot:
        assert snapshot.count_quads() > 0
