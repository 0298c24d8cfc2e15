"""Django's session engines, saving an existing session in one statement (see db.py)."""
