"""Fixtures for the privacy tests: Meta app settings and a loopback Graph fake."""

import pytest

from tests.fakes.graph_ids import GraphIdsFake

APP_ID, APP_SECRET = "1234567890", "meta-app-secret-for-tests"


@pytest.fixture
def meta_app(app):
    # Graph is never the real one: a closed loopback port unless the `graph` fake is used.
    app.config.update(META_APP_ID=APP_ID, META_APP_SECRET=APP_SECRET, META_GRAPH_URL="http://127.0.0.1:9/graph")
    return app


@pytest.fixture
def graph(meta_app):
    fake = GraphIdsFake(APP_ID, APP_SECRET, meta_app.config["META_GRAPH_VERSION"])
    meta_app.config["META_GRAPH_URL"] = fake.url
    yield fake
    fake.close()
