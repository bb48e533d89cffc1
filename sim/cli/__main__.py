"""``python -m sim.cli``: the same as the ``creatorsim`` console script."""

import sys

from sim.cli.main import main

sys.exit(main())
