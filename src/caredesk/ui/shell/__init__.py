"""The shell: launch, unlock/create/recover, the main window, settings, idle lock, single instance, crash handler. It composes the feature packages."""
