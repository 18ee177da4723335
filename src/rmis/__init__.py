"""rmis: a Regional Migration Information System for Central Asia."""

__version__ = "0.1.0"
