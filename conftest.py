# The shared fixtures live in tests/fixtures.py so every app's tests (users/, coalitions/, ...) see them.
pytest_plugins = ["tests.fixtures"]
