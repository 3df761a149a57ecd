"""``python -m youzhi``: the ``youzhi`` command (:func:`youzhi.cli.main`)."""

from youzhi.cli import main

raise SystemExit(main())
