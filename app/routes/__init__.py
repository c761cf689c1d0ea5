"""Thin routers: parse input, call a service, return a template or a schema."""
