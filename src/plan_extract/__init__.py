"""plan-extract: the measures of French public action plans as validated, source-grounded JSON.

>>> from plan_extract import extract
>>> extract("27 kilos de cannabis ont été saisis.").quantities[0].value
Decimal('27')
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("plan-extract")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from plan_extract.api import extract, extract_many
    from plan_extract.pipeline import load

__all__ = ["extract", "extract_many", "load", "__version__"]


def __getattr__(name: str) -> Any:
    # spaCy is imported on first use only, so that `plan-extract --help` starts fast.
    if name in ("extract", "extract_many"):
        from plan_extract import api

        return getattr(api, name)
    if name == "load":
        from plan_extract import pipeline

        return pipeline.load
    raise AttributeError(name)
