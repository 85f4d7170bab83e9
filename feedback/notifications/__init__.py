"""In-app notifications: rounds opening, responses arriving, decisions made."""
