"""Plain data for the model's pictures, for lessons to compute (torch) and views to draw (no torch)."""
