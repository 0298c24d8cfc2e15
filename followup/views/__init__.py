"""Views of the yearly follow-up, mounted under /uppfoljning/<municipality>/."""
