"""Errors of reminders."""

from ..errors import DomainError, NotFound


class SubscriptionNotFound(NotFound):
    code = "subscription_not_found"
    message = "No such reminder subscription of yours."
    message_th = "ไม่พบการรับการแจ้งเตือนนี้ของคุณ"


class InvalidSubscription(DomainError):
    status = 422
    code = "invalid_subscription"
    message = "The reminder subscription has invalid fields."
    message_th = "ข้อมูลการรับการแจ้งเตือนบางช่องไม่ถูกต้อง"


class PushNotConfigured(DomainError):
    status = 503
    code = "push_not_configured"
    message = "Reminders are not set up on this server (no VAPID key)."
    message_th = "เซิร์ฟเวอร์นี้ยังไม่ได้ตั้งค่าการแจ้งเตือน (ไม่มีกุญแจ VAPID)"
