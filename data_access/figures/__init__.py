"""What management sees: read-only figures over the classified lines.

Fidelity breakdowns and matrices (``fidelity``), the lines behind a figure
(``line_listing``), spend elsewhere in a category (``spend_elsewhere``),
direct-award risks (``direct_awards``), the targets and the direct-award limit
(``targets``), and how much is unclassified and why (``unclassified``).
"""
