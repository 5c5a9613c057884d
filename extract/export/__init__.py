"""What consumers read: flat tables, plans in force on a date, differences between versions,
and migration of outputs written under an older schema version.

    documents  (index.json or the catalog) + outputs, reviewed values first  (`documents.py`)
    tables     one document → rows of documents, plans, nodes, measures, targets  (`rows.py`)
    export     rows → JSONL / CSV / Parquet files with a manifest; `--since` writes changes
    in force   plans whose period covers a date  (`in_force.py`)
    diff       two documents → plans, periods, nodes, measures added, removed, changed
    migrate    an older output → the current schema version, one step per release
"""
