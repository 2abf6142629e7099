"""The app's two drivers (in process, remote) and the one message that carries their records."""
