"""Shared Streamlit helpers: formatting, cached reads, charts, navigation.

Pages stay thin by calling these; only this package and ``pages/`` import
Streamlit.
"""
