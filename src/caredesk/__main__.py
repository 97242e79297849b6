from caredesk.cli import main

raise SystemExit(main())
