"""tagging package of Ung Intake."""
