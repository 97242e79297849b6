from caredesk.cli.main import main

raise SystemExit(main())
