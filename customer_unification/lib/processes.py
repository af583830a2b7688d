"""Whether a local process still runs: how a later run tells that a killed run left debris."""

import os


def is_running(pid: int) -> bool:
    """True while process `pid` runs; a zombie (dead, not yet reaped by its parent) counts as gone."""
    if pid == os.getpid():
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
