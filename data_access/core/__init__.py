"""What every other part of the data layer stands on.

The database (``db``, ``config``, ``migrate``), the one unit of work every
change goes through (``work``: it replaces the data version when a session
wrote, and carries the acting user), the schema (``models``) and its
``tables`` aliases for Core queries, the one clock, the values every subject
shares (``money``, ``orgnr``, ``periods``), the limits and per-field errors of
what users type (``lengths``, ``validation``), the small settings table with
the data version (``settings``), the register lookups the widgets list
(``reference``) and the SQL helpers both dialects need (``sql``). Nothing here
imports from a sibling package.
"""
