"""Avtalsfokus data layer: models, queries, commands and the fidelity engine.

Plain Python, never imports Streamlit, so the CLI, tests and benchmarks use
exactly what the pages use.
"""
