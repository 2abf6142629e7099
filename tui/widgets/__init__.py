"""The training view's widgets, one per file; each renders plain data from a ``Frame``."""
