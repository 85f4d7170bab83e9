"""Consultation rounds, department responses, comments, suggestions and the drafting team's decisions."""
