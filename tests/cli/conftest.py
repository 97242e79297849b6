"""The CLI tests' marker: `slow` tests run in `make test` like every other; `-m "not slow"` skips them locally."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test of many real processes (tens of seconds); run by make test")
