"""Who may do what: the users who may sign in, their local accounts and roles
(``accounts``), and the audit log of who did what when (``audit``).

Roles are ``ledning``, ``upphandlare``, ``enhet`` (tied to units) and
``admin``; a person may hold several. Stands on ``core`` only, so every other
package can ask it who is acting without depending on pages or imports.
"""
