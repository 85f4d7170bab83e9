"""The chair's view of a report: responses, feedback by section, what is outstanding."""
