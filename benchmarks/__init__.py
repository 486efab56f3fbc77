"""Performance benchmarks for Overblik: `python -m benchmarks` (see benchmarks/__main__.py)."""
