"""Errors of the wallet (credits, idempotent requests, vouchers), each with its stable code."""

from config.errors import ApiError, Busy, Conflict, InvalidInput, NotFound


class WalletBusy(Busy):
    code = "wallet_busy"
    message = "Your wallet is busy with another request. Retry in a moment."


class ActionNotChargeable(InvalidInput):
    code = "action_not_chargeable"
    message = "This action cannot be charged directly."


class StudentNotFound(NotFound):
    code = "student_not_found"
    message = "No student has this email address."


class DailyCapExceeded(InvalidInput):
    code = "daily_cap_exceeded"
    message = "This grant would exceed today's cap of system credits for the student."


class IdempotentRequestInFlight(Conflict):
    code = "idempotency_in_flight"
    message = "A request with this Idempotency-Key is still being processed."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class VoucherExpired(ApiError):
    code = "voucher_expired"
    message = "This voucher is not valid now."


class VoucherExhausted(Conflict):
    code = "voucher_exhausted"
    message = "This voucher has been fully redeemed."


class VoucherAlreadyRedeemed(Conflict):
    code = "voucher_already_redeemed"
    message = "You have already redeemed this voucher."
