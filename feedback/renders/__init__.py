"""Renderings computed once, when something is written, and read many times after."""
