"""Indicator tables as data (issue #15): parse Vietnamese figures, compute assessments,
find and edit indicator tables, keep row identity across versions, and check that the
text's counts and figures agree with the table.

Pure: no Flask, no database; only the standard library and these modules.
"""
