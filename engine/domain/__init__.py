"""The guideline's rules as plain Python: no SpiffWorkflow, no database, no Flask.

Everything here is importable by every other layer and imports nothing of the project.
"""
