"""Lesson-specific views: module <name>.py exports VIEW, a widget with show(data) (see docs/architecture.md)."""
