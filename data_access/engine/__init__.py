"""How an invoice line gets its status: the fidelity engine.

``classification`` reclassifies stored lines with set-based SQL and rebuilds the
summaries, ``verdicts`` holds the same rules in memory for lines on their way
in, and ``bulk`` lands new lines (classify, write once, add to the summaries).
Everything that changes a status goes through here.
"""
