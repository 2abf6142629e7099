"""The engine: the trainer and what it uses (snapshot, divergence, history), a session that starts
or resumes one, and the lesson catalog."""
