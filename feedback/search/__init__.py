"""Search across a report's sections, comments, suggestions and replies, with or without
Vietnamese diacritics, visibility respected."""
