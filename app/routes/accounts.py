"""Accounts: /register, /login, /logout as HTML forms, and the same under /api/v1/auth.

Both adapters call the same use cases (app/services/accounts.py) and set the sign-in cookie
on the response they return.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.errors import AppError
from app.services import accounts
from app.web.cookies import clear_sign_in_cookie, set_sign_in_cookie
from app.web.deps import ClientIp, Db, PageDep, PasswordsDep, SettingsDep, SignInToken
from app.web.forms import FormDep
from app.web.inputs import Text
from app.web.middleware import csrf_token
from app.web.openapi import errors
from app.web.rendering import Page
from app.web.responses import see_other

router = APIRouter()


class RegisterIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    email: Text = Field(max_length=accounts.MAX_EMAIL, examples=["ada@example.com"])
    password: Text = Field(max_length=accounts.MAX_PASSWORD,
                           description=f"at least {accounts.MIN_PASSWORD} characters")
    display_name: Text = Field(max_length=accounts.MAX_DISPLAY_NAME)


class LoginIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    email: Text = Field(max_length=accounts.MAX_EMAIL)
    password: Text = Field(max_length=accounts.MAX_PASSWORD)


class AccountPublic(BaseModel):
    id: int
    email: str
    display_name: str
    role: str


ERRORS = errors(401, 409, 422, 429, e401="Wrong email or password (the same for both)",
                e409="Already signed in, or the email has an account",
                e429="Too many attempts from here; Retry-After says when to retry")
FIELDS = {"email": accounts.MAX_EMAIL, "password": accounts.MAX_PASSWORD,
          "display_name": accounts.MAX_DISPLAY_NAME, "next": 2000}


def _form_page(page: Page, template: str, values: dict | None = None,
               error: AppError | None = None) -> HTMLResponse:
    values = {k: v for k, v in (values or {}).items() if k != "password"}
    values["next"] = accounts.safe_next(values.get("next")
                                        or page.request.query_params.get("next"))
    return page.render(template, {"form": values, "error": error,
                                  "min_password": accounts.MIN_PASSWORD},
                       status_code=error.status_code if error else 200,
                       headers={"Cache-Control": "no-store", **(error.headers if error else {})})


# --- HTML pages

@router.get("/register", response_class=HTMLResponse, include_in_schema=False)
async def show_register(page: PageDep):
    return _form_page(page, "accounts/register.html")


@router.post("/register", response_class=HTMLResponse, include_in_schema=False)
async def register_account(page: PageDep, db: Db, passwords: PasswordsDep, form: FormDep,
                           settings: SettingsDep, token: SignInToken, ip: ClientIp):
    values = {}
    try:
        values = {name: form.text(name, max_length=size) for name, size in FIELDS.items()}
        _, new_token = await accounts.register(
            db, passwords, email=values["email"], password=values["password"],
            display_name=values["display_name"], token=token, days=settings.session_days,
            ip=ip, per_hour=settings.registrations_per_hour)
    except AppError as error:
        return _form_page(page, "accounts/register.html", values, error)
    response = see_other(accounts.safe_next(values["next"]))
    return set_sign_in_cookie(response, new_token, settings)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
async def show_login(page: PageDep):
    return _form_page(page, "accounts/login.html")


@router.post("/login", response_class=HTMLResponse, include_in_schema=False)
async def login_account(page: PageDep, db: Db, passwords: PasswordsDep, form: FormDep,
                        settings: SettingsDep, token: SignInToken, ip: ClientIp):
    values = {}
    try:
        values = {name: form.text(name, max_length=FIELDS[name])
                  for name in ("email", "password", "next")}
        _, new_token = await accounts.login(
            db, passwords, email=values["email"], password=values["password"], ip=ip,
            token=token, days=settings.session_days)
    except AppError as error:
        return _form_page(page, "accounts/login.html", values, error)
    response = see_other(accounts.safe_next(values["next"]))
    return set_sign_in_cookie(response, new_token, settings)


@router.post("/logout", include_in_schema=False)
async def logout_account(db: Db, settings: SettingsDep, token: SignInToken):
    await db.write(accounts.logout, token=token)
    return clear_sign_in_cookie(see_other("/"), settings)


# --- JSON API

class CsrfPublic(BaseModel):
    csrf_token: str = Field(description="send it back as the X-CSRF-Token header")


@router.get("/api/v1/auth/csrf", response_model=CsrfPublic, tags=["accounts"],
            summary="Get a CSRF token")
async def api_csrf_token(request: Request, response: Response):
    """This browser's CSRF token, for scripts on pages that are shared by every visitor
    (they cannot carry one). Same-origin only: another site cannot read the answer."""
    response.headers["Cache-Control"] = "no-store"
    return CsrfPublic(csrf_token=csrf_token(request))


@router.post("/api/v1/auth/register", status_code=201, response_model=AccountPublic,
             summary="Register an account",
             responses=ERRORS, tags=["accounts"])
async def api_register(body: RegisterIn, db: Db, passwords: PasswordsDep,
                       settings: SettingsDep, token: SignInToken, ip: ClientIp,
                       response: Response):
    """Create an account (keeping this browser's anonymous progress) and sign in."""
    account, new_token = await accounts.register(
        db, passwords, email=body.email, password=body.password,
        display_name=body.display_name, token=token, days=settings.session_days, ip=ip,
        per_hour=settings.registrations_per_hour)
    set_sign_in_cookie(response, new_token, settings)
    return AccountPublic.model_validate(account, from_attributes=True)


@router.post("/api/v1/auth/login", response_model=AccountPublic, responses=ERRORS,
             summary="Sign in",
             tags=["accounts"])
async def api_login(body: LoginIn, db: Db, passwords: PasswordsDep, settings: SettingsDep,
                    token: SignInToken, ip: ClientIp, response: Response):
    """Sign in; this browser's anonymous progress moves into the account."""
    account, new_token = await accounts.login(
        db, passwords, email=body.email, password=body.password, ip=ip, token=token,
        days=settings.session_days)
    set_sign_in_cookie(response, new_token, settings)
    return AccountPublic.model_validate(account, from_attributes=True)


@router.post("/api/v1/auth/logout", summary="Sign out", status_code=204, tags=["accounts"])
async def api_logout(db: Db, settings: SettingsDep, token: SignInToken) -> Response:
    """End this browser's sign-in server-side and clear its cookie."""
    await db.write(accounts.logout, token=token)
    return clear_sign_in_cookie(Response(status_code=204), settings)
