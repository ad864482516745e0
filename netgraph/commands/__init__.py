"""The commands of the command line, one module each, added to the group in ``cli.py`` (which
also holds the entry points); ``common.py`` is what they share: the options, ``BadInput`` and
the one way snapshot data reaches the terminal."""
