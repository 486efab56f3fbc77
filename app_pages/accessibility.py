"""Tilgængelighed: the accessibility statement, for every role (and from the login page)."""

from dashboard import statement

statement.draw()
