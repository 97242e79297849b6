"""The only package that knows the database, the key file and the keyring."""
