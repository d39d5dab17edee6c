"""`python -m pos_cli ...` is the `pos` command."""
import sys

from pos_cli.main import main

sys.exit(main())
