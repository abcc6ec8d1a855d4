"""audiopaper: a Chinese local newspaper's pages turned into an audio edition and podcast."""

__version__ = "0.1.0"
