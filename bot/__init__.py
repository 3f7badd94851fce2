"""empathy-coach: rehearse empathy interviews about school attendance."""

__version__ = "0.1.0"
