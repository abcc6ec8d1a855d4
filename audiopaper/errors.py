"""The one exception family of audiopaper; only cli.py turns these into exit codes."""


class AudiopaperError(Exception):
    """Base of every error a user can cause or fix; its message is one line that says what to do."""


class InputError(AudiopaperError):
    """Raised when a page cannot be read: missing, empty, binary or undecodable."""


class NoArticlesError(AudiopaperError):
    """Raised when a page holds no article (no headline, or nothing under any headline)."""


class ProfileError(AudiopaperError):
    """Raised when a voice profile is unknown or its TOML is invalid."""


class EngineError(AudiopaperError):
    """Raised when a speech engine cannot be loaded or fails to synthesize."""


class EncodeError(AudiopaperError):
    """Raised when audio cannot be encoded or measured (ffmpeg failed)."""


class OutputError(AudiopaperError):
    """Raised when the output directory cannot be written."""


class OptionError(AudiopaperError):
    """Raised when a command-line option's value is invalid (bad date, engine, URL…)."""


class ServiceBudgetExceeded(EngineError):
    """Raised when the online service failed more often than a run's retry budget allows."""


class ManifestError(AudiopaperError):
    """Raised when an edition's edition.json is unreadable, damaged or from a newer version."""


class ClusterError(AudiopaperError):
    """Raised when the Dask cluster of ``audiopaper archive`` cannot be reached or used."""
