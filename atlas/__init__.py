"""Anti-Trafficking Tech Atlas."""

__version__ = "0.1.0"
