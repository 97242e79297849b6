"""Care plans: the editor, versions and history, the patient's copy, preview and printing, the due batch."""
