"""What consumers read: flat tables, plans in force on a date, differences between versions,
and migration of outputs written under an older schema version.

    documents.py  the outputs (the catalog or index.json), reviewed values first, migrated
    rows.py       one document → rows of documents, plans, nodes, measures, targets
    tables.py     rows → JSONL / CSV / Parquet files, streamed
    export.py     an export folder: tables, manifest and state; `--since` writes changes
    in_force.py   plans whose period covers a date
    diff.py       two documents → plans, periods, nodes, measures added, removed, changed
    migrate.py    an older output → the current schema version, one release step at a time
"""
