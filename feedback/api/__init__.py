"""The JSON API (/api/v1): a thin layer over the same services the pages call.

The blueprint is in ``blueprint.py``; each module adds its routes to it, and
``create_app`` imports those modules by name, so the wiring is in one visible place.
"""
