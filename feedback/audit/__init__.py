"""The append-only audit trail: who did what to which object, when."""
