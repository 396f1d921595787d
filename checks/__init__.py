"""samhandling: the standard procedures between the kommuner and UNN, kept as code."""

__version__ = "0.1.0"
