"""Interlock: marketing, sales and customer success on one system."""

__version__ = "0.1.0"
