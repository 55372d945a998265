"""Dugnad: an agent-based model of civil society and the integration of immigrants in Norway."""

__version__ = "0.1.0"
