"""Errors of accounts and access."""

from ..errors import DomainError


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message = "Sign in to continue."
    message_th = "กรุณาเข้าสู่ระบบก่อน"


class InvalidToken(Unauthorized):
    code = "invalid_token"
    message = "The access token is not valid."
    message_th = "โทเค็นเข้าใช้งานไม่ถูกต้อง"


class TokenExpired(Unauthorized):
    code = "token_expired"
    message = "The access token has expired; refresh it."
    message_th = "โทเค็นเข้าใช้งานหมดอายุแล้ว ให้ขอโทเค็นใหม่"


class TokenRevoked(Unauthorized):
    code = "token_revoked"
    message = "This sign-in has ended; sign in again."
    message_th = "การเข้าสู่ระบบนี้สิ้นสุดแล้ว กรุณาเข้าสู่ระบบอีกครั้ง"


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    message = "The login or password is wrong."
    message_th = "เบอร์โทร ชื่อผู้ใช้ หรือรหัสผ่านไม่ถูกต้อง"


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"
    message = "The refresh token is not valid; sign in again."
    message_th = "โทเค็นต่ออายุไม่ถูกต้อง กรุณาเข้าสู่ระบบอีกครั้ง"


class LoginThrottled(DomainError):
    status = 429
    code = "login_throttled"
    message = "Too many wrong passwords for this login: wait a little, then try again."
    message_th = "ใส่รหัสผ่านผิดหลายครั้งสำหรับชื่อนี้ รอสักครู่แล้วลองใหม่"


class AccountDisabled(DomainError):
    status = 403
    code = "account_disabled"
    message = "This account is disabled; ask your LGO's administrator."
    message_th = "บัญชีนี้ถูกปิดใช้งาน ติดต่อผู้ดูแลระบบของ อปท."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "Your role does not allow this."
    message_th = "บทบาทของคุณไม่มีสิทธิ์ทำรายการนี้"


class UserNotFound(DomainError):
    status = 404
    code = "user_not_found"
    message = "No such user."
    message_th = "ไม่พบผู้ใช้นี้"


class InvalidUserChange(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."
    message_th = "มีข้อมูลบางช่องไม่ถูกต้อง"


class DuplicateLogin(DomainError):
    status = 409
    code = "login_taken"
    message = "That phone number or username belongs to another account."
    message_th = "เบอร์โทรหรือชื่อผู้ใช้นี้เป็นของบัญชีอื่นแล้ว"
