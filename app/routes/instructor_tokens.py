"""Personal API tokens: list, create (shown once), revoke after a confirmation page.

The new secret is shown by post/redirect/get: the POST puts it in a short-lived signed cookie
for /instructor/tokens only, and the GET that follows shows it once and clears the cookie,
so a refresh neither creates another token nor shows the secret again.
"""

import hashlib
import hmac

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.errors import Invalid
from app.services import api_tokens
from app.web.cookies import cookie_header, read_cookie
from app.web.deps import CurrentInstructor, Db, PageDep, SettingsDep
from app.web.forms import FormDep
from app.web.inputs import Id
from app.web.responses import see_other

router = APIRouter(include_in_schema=False)
TOKENS = "/instructor/tokens"
NEW_TOKEN_COOKIE = "guide_new_token"
NEW_TOKEN_SECONDS = 120


def _mac(key: str, user_id: int, token_id: int, secret: str) -> str:
    message = f"{user_id}:{token_id}:{secret}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _flash_cookie(settings, value: str, max_age: int) -> str:
    header = cookie_header(NEW_TOKEN_COOKIE, value, max_age=max_age, https=settings.https)
    return header.replace("Path=/", f"Path={TOKENS}", 1)


def _shown_once(request: Request, settings, user) -> tuple[int, str] | None:
    """The (token id, secret) this browser was just given, if the cookie is genuine."""
    raw = read_cookie(request.headers, NEW_TOKEN_COOKIE) or ""
    token_id, _, rest = raw.partition(".")
    secret, _, mac = rest.partition(".")
    if not token_id.isdigit() or not secret or not mac:
        return None
    expected = _mac(settings.resolved_secret_key, user.id, int(token_id), secret)
    return (int(token_id), secret) if hmac.compare_digest(expected, mac) else None


@router.get(TOKENS, response_class=HTMLResponse)
async def list_tokens(request: Request, page: PageDep, db: Db, settings: SettingsDep,
                      user: CurrentInstructor):
    shown = _shown_once(request, settings, user)
    tokens = await db.read(api_tokens.list_tokens, owner=user)
    new_token = next((t for t in tokens if shown and t.id == shown[0]), None)
    response = page.render("instructor/tokens.html", {
        "tokens": tokens, "secret": shown[1] if new_token else None, "new_token": new_token,
        "form": {}}, others_data=True)
    if read_cookie(request.headers, NEW_TOKEN_COOKIE) is not None:
        response.headers.append("set-cookie", _flash_cookie(settings, "", 0))
    return response


@router.post(TOKENS, response_class=HTMLResponse)
async def create_token(page: PageDep, db: Db, settings: SettingsDep, user: CurrentInstructor,
                       form: FormDep):
    name = ""  # kept for the form when the field itself is refused (too long, control chars)
    try:
        name = form.text("name")
        token, secret = await db.write(api_tokens.create_token, owner=user, name=name)
    except Invalid as error:
        tokens = await db.read(api_tokens.list_tokens, owner=user)
        return page.render("instructor/tokens.html", {
            "tokens": tokens, "secret": None, "form": {"name": name, "error": error.message}},
            status_code=422, others_data=True)
    response = see_other(TOKENS + "#secret-title")
    value = f"{token.id}.{secret}.{_mac(settings.resolved_secret_key, user.id, token.id, secret)}"
    response.headers.append("set-cookie", _flash_cookie(settings, value, NEW_TOKEN_SECONDS))
    return response


@router.get(TOKENS + "/{token_id}/confirm-revoke", response_class=HTMLResponse)
async def confirm_revoke_token(token_id: Id, page: PageDep, db: Db, user: CurrentInstructor):
    token = await db.read(api_tokens.get_token, owner=user, token_id=token_id)
    return page.render("instructor/confirm.html", {
        "cohort": None, "title": f"Revoke the token “{token.name}”?",
        "effects": [f"Anything that uses “{token.name}” gets 401 Unauthorized from its next "
                    "request on.", "The token stays in your list, marked as revoked."],
        "undo": "A revoked token cannot be brought back: create a new one if you need it.",
        "action": f"{TOKENS}/{token.id}/revoke", "button": f"Revoke “{token.name}”",
        "cancel": TOKENS}, others_data=True)


@router.post(TOKENS + "/{token_id}/revoke")
async def revoke_token(token_id: Id, db: Db, user: CurrentInstructor):
    await db.write(api_tokens.revoke_token, owner=user, token_id=token_id)
    return see_other(TOKENS)
