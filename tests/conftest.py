from __future__ import annotations

import pytest
from spacy.language import Language

from plan_extract.pipeline import get_nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    return get_nlp()
