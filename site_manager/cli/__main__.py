"""``python -m site_manager.cli``."""

from site_manager.cli import main

raise SystemExit(main())
