"""The meetings app's pages, one module per part of a meeting (meetings/urls.py names each)."""
