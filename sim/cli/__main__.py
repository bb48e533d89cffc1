"""``python -m sim.cli``: the same as the ``creatorsim`` console script."""

import sys

from sim.cli.commands import main

sys.exit(main())
