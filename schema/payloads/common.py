"""What every payload shares."""

ERRORS = "エラー (problems found; empty on success — when not empty, nothing was written)"
