"""The errors a use case raises. The web edge (app/web/errors.py) turns each into a response:
JSON `{"detail", "field"}` under /api, a styled page elsewhere. Nothing here knows about HTTP
beyond the status code each error maps to."""


class AppError(Exception):
    status_code = 500

    def __init__(self, message: str, *, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers or {}


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class Invalid(AppError):
    status_code = 422


class TooManyRequests(AppError):
    status_code = 429
