"""Imported by the server's fork server (`multiprocessing`'s preload): the pipeline is loaded there
once, and every extraction process forked from it starts with it loaded, at once and sharing its
memory. A process killed after a time limit is so replaced in a fraction of a second.

The work is done only where `plan_extract.pool` asks for it (the environment variable
`PLAN_EXTRACT_PRELOAD=1`, which the fork server inherits); imported anywhere else, the module does
nothing.
"""

from __future__ import annotations

import gc
import os

FLAG = "PLAN_EXTRACT_PRELOAD"


def warm() -> None:
    """Load the pipeline, and extract one short text so that the word lists and place tables that
    components load on first use are loaded here too, not by every process on its first request."""
    from plan_extract.api import extract

    extract("Le 12 janvier 2023, la préfecture de l'Orne a annoncé 258 000 euros et 3 policiers à Alençon.")
    # Objects that exist now are never collected: the collector would otherwise touch them in
    # every forked process, copying the shared pages one by one.
    gc.freeze()


if os.environ.get(FLAG) == "1":
    warm()
