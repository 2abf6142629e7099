"""The built-in lessons, one per file. ``core.engine.catalog`` finds them; nothing is imported here."""
