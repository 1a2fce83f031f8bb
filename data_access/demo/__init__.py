"""The deterministic demo municipality: ``generator`` builds it, ``catalog`` names its contracts."""
