"""The limits of `plan-extract serve`, in a module of their own so that the command line shows
their defaults without importing the optional server packages (Starlette, uvicorn)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plan_extract.lexicon import UserLexicon

DEFAULT_MAX_CHARS = 500_000
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BODY_MB = 64
DEFAULT_MAX_QUEUE = 64


@dataclass(frozen=True)
class Settings:
    workers: int = 1
    max_chars: int = DEFAULT_MAX_CHARS
    timeout: float = DEFAULT_TIMEOUT  # seconds per text, and the longest wait for a free process
    max_body: int = DEFAULT_MAX_BODY_MB * 1024 * 1024  # bytes
    max_queue: int = DEFAULT_MAX_QUEUE  # requests waiting for a process; more get 503 at once
    lexicon: UserLexicon | None = None  # the words of a user lexicon (docs/lexicon.md)
