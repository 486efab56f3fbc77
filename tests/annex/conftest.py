"""The annex tests use the download spies of the app tests."""

from tests.app.conftest import spies  # noqa: F401
