"""learn-tui's core: lessons, the step-wise trainer and everything that runs without a screen.

Nothing in this package imports Textual (``tests/test_core_is_headless.py`` checks it), and nothing
here imports torch at import time either, so ``core`` loads in milliseconds: torch is imported by a
lesson's module, or lazily by the trainer, off the UI thread.
"""
