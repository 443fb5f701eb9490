"""The SQLAlchemy store: models, repositories, unit of work and migrations."""
