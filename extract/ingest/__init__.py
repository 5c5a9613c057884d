"""Ingestion at the edges: fetching, the raw store, the catalog and batch extraction."""
