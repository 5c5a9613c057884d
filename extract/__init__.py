"""extract: Japanese municipal plans to structured, validated JSON."""

__version__ = "0.1.0"
