"""The REST API and the analyst's web page."""
from .app import create_app

__all__ = ["create_app"]
