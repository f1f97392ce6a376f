"""The docstring examples of the package, run with the tests (`--doctest-modules`).

Each example runs with its own empty data directory and no config file, so an example that
builds an index never writes into the checkout's `.assistant/` nor reads a local
`assistant.toml`. The examples that ingest the corpus with the embedding model are end-to-end,
and marked `slow` like the end-to-end tests.
"""

from __future__ import annotations

import pytest

END_TO_END = {"assistant.pipeline"}  # doctest names: a module's own docstring is its name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.name in END_TO_END:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _examples_keep_to_themselves(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if isinstance(request.node, pytest.DoctestItem):
        where = tmp_path_factory.mktemp("example")
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("ASSISTANT_DATA_DIR", str(where / "data"))
        monkeypatch.setenv("ASSISTANT_CONFIG", str(where / "assistant.toml"))
