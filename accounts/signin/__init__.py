"""Student sign-in and sessions: the CSRF token, login (with its limits on wrong passwords),
who is signed in, logout here or everywhere."""
