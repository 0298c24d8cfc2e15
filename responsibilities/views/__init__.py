"""Views of the responsibilities app: account pages and management pages."""
