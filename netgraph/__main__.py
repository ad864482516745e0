import sys

from netgraph.cli import main

sys.exit(main())
