"""The public innovation directory (API v1.1 § Public data, § Replication lineage).

- `queries`: what is visible (one query) and the directory's lists, filters and facets;
- `search`: full text, PostgreSQL (`websearch_to_tsquery` over a trigger-maintained tsvector)
  or SQLite (FTS5), never SQL built from the visitor's text;
- `stem`: Indonesian word forms for the SQLite fallback; `index`: `directory reindex`.
Its charts' geometry is the app's shared `kipp.charts`.
"""
