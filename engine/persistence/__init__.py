"""Storage: SQLAlchemy models (one module per table), the database, and the unit of work that commits."""
