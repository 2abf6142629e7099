"""Checkpoints: the format, the file on disk, the schema, the watched tensors, save and load."""
