"""The rules: plain functions over a Session. Services never import fastapi."""
