"""The exit statuses of every command, a contract scripts rely on (README.md): 0 done, 1 the lesson failed,
2 bad usage, 3 the run diverged, 130 interrupted; 75 only between --nproc's launcher and its processes."""

from __future__ import annotations

EXIT_DONE, EXIT_FAILED, EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_AFTER_PEER = 75  # (EX_TEMPFAIL) a process of --nproc's launcher that stopped because another one did
