"""`python -m empathy_devtools.bench [--sizes 2000,8000] [--out DIR] [--with-text-eval]`."""

import sys

from empathy_devtools.bench import main

sys.exit(main(sys.argv[1:]))
