"""The HTTP edge: middleware, cookies, dependencies, rendering, error handlers."""
