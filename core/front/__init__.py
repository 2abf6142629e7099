"""The front ends: the command line, headless runs, compare, sample, serve, the torchrun launcher."""
