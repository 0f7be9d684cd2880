"""privacy package of Ung Intake."""
