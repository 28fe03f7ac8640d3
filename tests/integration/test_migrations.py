"""The migrations have one head and build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from app.extensions import db as _db


def test_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app):
    """What `flask db check` does: an autogenerate diff against the migrated database must be empty."""
    options = app.extensions["migrate"].configure_args
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": options.get("compare_type", True)})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []


def test_migrate_extension_uses_batch_mode_for_sqlite(app):
    assert isinstance(app.extensions["migrate"].migrate, Migrate)
    assert app.extensions["migrate"].configure_args["render_as_batch"] is True
