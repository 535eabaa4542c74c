"""Benchmarks (run from the repo root: ``python -m bench.search``); not part of the app or the tests."""
