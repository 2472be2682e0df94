"""The process library for process owners: the catalogue of versions (``catalogue``), drafts and their checks,
deployment, scenario runs and the migration of running cases to a new version."""
