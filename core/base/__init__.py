"""The foundation: errors' neighbours every layer may import (status, events, settings, rng, device,
i18n, parsing, exit codes, step rate, the lesson views' names and data). Imports nothing of core but
core.errors and core.phases."""
