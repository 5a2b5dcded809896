import sys

from passmap.cli import main

sys.exit(main())
