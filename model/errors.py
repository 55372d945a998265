"""The project's own error type: anything a user can cause by bad input raises a subclass of it."""


class DugnadError(Exception):
    """Bad input (scenario, data file, CLI argument) with a message meant for the user."""
