"""intake package of Ung Intake."""
