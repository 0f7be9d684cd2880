"""api package of Ung Intake."""
