"""Student passwords: forgotten (a code by email, bound to this browser, then a new password)
and changed while signed in."""
