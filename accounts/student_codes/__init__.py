"""A student's signup and reset codes, bound to the browser that asked for them (the signup
and password features share it)."""
