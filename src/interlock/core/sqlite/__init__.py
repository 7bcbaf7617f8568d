"""The embedded database backend: Django's SQLite with writers queued (see ``base``)."""
