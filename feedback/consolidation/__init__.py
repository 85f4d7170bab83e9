"""Consolidated versions, their comparison and exports, the disposition table."""
