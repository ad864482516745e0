"""Run netgraph from a checkout: `python cli.py check samples/healthy-endpoints.json`."""

import sys

from netgraph.cli import main

if __name__ == "__main__":
    sys.exit(main())
