"""Views of the responsibilities app: account pages, management pages and the matrix."""
