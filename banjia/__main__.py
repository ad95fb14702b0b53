"""`python -m banjia`: the same as the `banjia` command."""

from banjia.cli import main

main()
