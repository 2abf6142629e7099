"""The built-in lessons, one per file. ``core.catalog`` finds them; nothing is imported here."""
