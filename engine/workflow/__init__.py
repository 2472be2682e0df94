"""One workflow on SpiffWorkflow, without a database: the runner, its serialization and the restricted scripts."""
