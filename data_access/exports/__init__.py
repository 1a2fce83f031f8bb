"""Files the app hands out: Excel workbooks and CSV, safe to open.

``spreadsheet_safety`` holds the one rule against formulas in exported text;
``excel`` writes the workbooks the pages offer for download.
"""
