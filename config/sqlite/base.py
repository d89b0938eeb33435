"""Django's SQLite backend (the README's default database, for development and tests) with
PostgreSQL's integer ranges, the production database's.

Django derives an integer field's validators, and so the API's input checks and the OpenAPI
schema's bounds, from the database's range: SQLite's are 64-bit for every integer field,
PostgreSQL's 16-, 32- or 64-bit by the field's type. With SQLite's own, a development server
accepted and documented what production refuses.
"""

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    integer_field_range = BaseDatabaseOperations.integer_field_range


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
