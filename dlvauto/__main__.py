"""`python -m dlvauto`."""

import sys

from dlvauto.cli import main

sys.exit(main())
