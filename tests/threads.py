"""Run test writers at the same moment, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(*writers: Callable[[threading.Barrier], object]) -> list[object]:
    """Run each ``writer(barrier)`` in its own thread (so on its own connection); return what
    each returned or raised. A writer calls ``barrier.wait()`` where the others must catch up.
    """
    # generous: on a loaded CI machine a thread may start late
    barrier = threading.Barrier(len(writers), timeout=60)
    outcomes: list[object] = [None] * len(writers)

    def run(index, writer):
        try:
            outcomes[index] = writer(barrier)
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
