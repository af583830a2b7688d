"""A helper process that exits as soon as the process that started it is gone.

A parent killed with SIGKILL runs no cleanup, so its helpers would live on as orphans. The helper
watches its parent's pid from a thread and exits once it is re-parented (getppid changes). Not
prctl(PR_SET_PDEATHSIG): that fires when the *thread* that started the helper ends, which in a
Dagster run may be a worker thread long before the run is over.

Kept free of heavy imports: it is the helper's initializer, unpickled (so imported) before
anything else runs there, and the sooner the watch starts the shorter the orphan's life.
"""

import os
import threading
import time

POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Start watching `parent` (pass os.getpid() from the parent); returns at once."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
        os._exit(0)  # nothing to clean up: the helper holds only its own memory

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
