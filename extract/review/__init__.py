"""Reviewing: correction records, applying them to any extraction, and the reviewed documents."""
