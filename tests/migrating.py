"""Migration tests: move the test database to given migrations and back to the latest."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to targets ([(app, migration)]) and return the apps as they stand there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrated_forward_afterwards():
    """Whatever happens in the test, the database ends at the latest migrations, as the other
    tests expect."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
