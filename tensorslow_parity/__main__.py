import sys

from tensorslow_parity.cli import main

sys.exit(main())
