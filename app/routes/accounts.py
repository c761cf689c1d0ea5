"""Accounts: /register, /login, /logout as HTML forms, and the same under /api/v1/auth."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.deps import CurrentLearner, SessionDep, SettingsDep, set_session_cookie
from app.errors import AppError
from app.security import SESSION_COOKIE, read_cookie
from app.services import accounts

router = APIRouter()


class RegisterForm(BaseModel):
    email: str = ""
    password: str = ""
    display_name: str = ""
    next: str = "/"


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = "/"


class RegisterIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    email: str = Field(max_length=accounts.MAX_EMAIL, examples=["ada@example.com"])
    password: str = Field(max_length=accounts.MAX_PASSWORD,
                          description=f"at least {accounts.MIN_PASSWORD} characters")
    display_name: str = Field(max_length=accounts.MAX_DISPLAY_NAME)


class LoginIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    email: str = Field(max_length=accounts.MAX_EMAIL)
    password: str = Field(max_length=accounts.MAX_PASSWORD)


class AccountPublic(BaseModel):
    id: int
    email: str
    display_name: str
    role: str


ERRORS = {401: {"description": "Wrong email or password (the same for both)"},
          409: {"description": "Already signed in, or the email has an account"},
          422: {"description": "Invalid input; `field` names the field"},
          429: {"description": "Too many failed sign-ins; try again in 15 minutes"}}


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _token(request: Request) -> str | None:
    return read_cookie(request.headers, SESSION_COOKIE)


def _form_page(request: Request, template: str, form: BaseModel | None = None,
               error: AppError | None = None) -> HTMLResponse:
    values = form.model_dump(exclude={"password"}) if form else {}
    values["next"] = accounts.safe_next(values.get("next") or request.query_params.get("next"))
    context = {"form": values, "error": error, "min_password": accounts.MIN_PASSWORD}
    status = error.status_code if error else 200
    headers = {"Cache-Control": "no-store", **(error.headers if error else {})}
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status, headers=headers)


# --- HTML pages

@router.get("/register", response_class=HTMLResponse, include_in_schema=False)
def show_register(request: Request, learner: CurrentLearner):
    return _form_page(request, "accounts/register.html")


@router.post("/register", response_class=HTMLResponse, include_in_schema=False)
def register_account(request: Request, session: SessionDep, settings: SettingsDep,
                     learner: CurrentLearner, form: Annotated[RegisterForm, Form()]):
    try:
        account, token = accounts.register(
            session, email=form.email, password=form.password, display_name=form.display_name,
            current=learner, session_days=settings.session_days)
    except AppError as error:
        return _form_page(request, "accounts/register.html", form, error)
    set_session_cookie(request, account, token)
    return RedirectResponse(accounts.safe_next(form.next), status_code=303)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def show_login(request: Request, learner: CurrentLearner):
    return _form_page(request, "accounts/login.html")


@router.post("/login", response_class=HTMLResponse, include_in_schema=False)
def login_account(request: Request, session: SessionDep, settings: SettingsDep,
                  learner: CurrentLearner, form: Annotated[LoginForm, Form()]):
    try:
        account, token = accounts.login(
            session, email=form.email, password=form.password, ip=_client_ip(request),
            current=learner, old_token=_token(request), session_days=settings.session_days)
    except AppError as error:
        return _form_page(request, "accounts/login.html", form, error)
    set_session_cookie(request, account, token)
    return RedirectResponse(accounts.safe_next(form.next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout_account(request: Request, session: SessionDep):
    accounts.logout(session, token=_token(request))
    request.state.clear_session = True
    request.state.learner = None
    return RedirectResponse("/", status_code=303)


# --- JSON API

@router.post("/api/v1/auth/register", status_code=201, response_model=AccountPublic,
             responses=ERRORS, tags=["accounts"])
def api_register(body: RegisterIn, request: Request, session: SessionDep,
                 settings: SettingsDep, learner: CurrentLearner):
    """Create an account (keeping this session's anonymous progress) and sign in."""
    account, token = accounts.register(
        session, email=body.email, password=body.password, display_name=body.display_name,
        current=learner, session_days=settings.session_days)
    set_session_cookie(request, account, token)
    return AccountPublic.model_validate(account, from_attributes=True)


@router.post("/api/v1/auth/login", response_model=AccountPublic, responses=ERRORS,
             tags=["accounts"])
def api_login(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep,
              learner: CurrentLearner):
    """Sign in; this session's anonymous progress moves into the account."""
    account, token = accounts.login(
        session, email=body.email, password=body.password, ip=_client_ip(request),
        current=learner, old_token=_token(request), session_days=settings.session_days)
    set_session_cookie(request, account, token)
    return AccountPublic.model_validate(account, from_attributes=True)


@router.post("/api/v1/auth/logout", status_code=204, tags=["accounts"])
def api_logout(request: Request, session: SessionDep) -> Response:
    """End this session server-side and clear its cookie."""
    accounts.logout(session, token=_token(request))
    request.state.clear_session = True
    return Response(status_code=204)
