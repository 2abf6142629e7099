"""Write it yourself: exercise files made from a lesson's own loop, and a checker that runs the learner's
file beside the reference lesson and names the first phase where they part (``learn-tui exercise``/``check``).

``make`` cuts lines out of a lesson (derived with ``ast``, so exercises follow the lessons), ``check``
compares the two runs phase by phase, ``diagnose`` turns a difference into the usual cause, ``progress``
keeps the per-user record of passed levels. Nothing here imports torch at module level.
"""
