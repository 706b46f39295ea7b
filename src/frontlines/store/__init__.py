"""Storage: SQLite by default, any SQLAlchemy URL (PostgreSQL) by ``--db``."""
from .db import Store, db_url

__all__ = ["Store", "db_url"]
