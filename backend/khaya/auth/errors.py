"""Errors of accounts and access."""

from ..errors import DomainError


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message = "Sign in to continue."


class InvalidToken(Unauthorized):
    code = "invalid_token"
    message = "The access token is not valid."


class TokenExpired(Unauthorized):
    code = "token_expired"
    message = "The access token has expired; refresh it."


class TokenRevoked(Unauthorized):
    code = "token_revoked"
    message = "This sign-in has ended; sign in again."


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    message = "The login or password is wrong."


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"
    message = "The refresh token is not valid; sign in again."


class LoginThrottled(DomainError):
    status = 429
    code = "login_throttled"
    message = "Too many wrong passwords for this login: wait a little, then try again."


class AccountDisabled(DomainError):
    status = 403
    code = "account_disabled"
    message = "This account is disabled; ask your LGO's administrator."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "Your role does not allow this."


class UserNotFound(DomainError):
    status = 404
    code = "user_not_found"
    message = "No such user."


class InvalidUserChange(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."


class DuplicateLogin(DomainError):
    status = 409
    code = "login_taken"
    message = "That phone number or username belongs to another account."
