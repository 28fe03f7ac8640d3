"""Fixtures for the privacy tests: the Meta app's settings, and Graph only ever as the loopback fake."""

import pytest

from tests.conftest import META_APP_SECRET

APP_ID, APP_SECRET = "1234567890", META_APP_SECRET


@pytest.fixture
def meta_app(app):
    # Graph is never the real one: a closed loopback port unless the `providers` fake is used.
    app.config.update(META_APP_ID=APP_ID, META_APP_SECRET=APP_SECRET, META_GRAPH_URL="http://127.0.0.1:9/graph")
    return app


@pytest.fixture
def graph(providers):
    """The shared provider fake (tests/fakes/provider_server.py), which answers ids_for_pages."""
    return providers
