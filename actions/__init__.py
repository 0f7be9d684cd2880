"""actions package of Ung Intake."""
