"""learn-tui's Textual app. It only renders what ``core`` yields (events and plain-data snapshots)."""
