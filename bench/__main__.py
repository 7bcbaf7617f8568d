"""``python -m bench [--quick] [NAME ...]``: run the benchmarks, print a table, write JSON."""

from bench.runner import main

raise SystemExit(main())
