"""The report's figures (issue 15): indicator tables read from the sections' text,
indicators that keep their identity across versions, each assigned to a department that
confirms, corrects or proposes it, and the report's numbers checked against each other.

The pure reading of tables, numbers and claims is ``feedback.indicators``; this domain
keeps the state (models), the use cases (services, checks), the reads (queries,
consistency) and the one re-derivation of indicators from a section's text (sync)."""
