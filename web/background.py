"""Workers that run inside the web process (`make run`): no separate process to start."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask


def keep_running(app: Flask, name: str, work: Callable[[], object]) -> threading.Thread:
    """Run `work` (a worker loop) in a daemon thread inside the app's context, starting it
    again 5 s after it fails, so the demo's mail and runs keep flowing."""

    def loop() -> None:
        while True:
            try:
                with app.app_context():
                    work()
            except Exception:  # noqa: BLE001 - log and start again
                app.logger.exception("%s failed; restarting in 5 s", name)
                time.sleep(5)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread
