"""`python -m orchestration.bench [--sizes 2000,8000] [--out DIR] [--with-text-eval]`."""

import sys

from orchestration.bench import main

sys.exit(main(sys.argv[1:]))
