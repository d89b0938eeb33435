"""Student signup: a code to the address, bound to this browser; verifying it sets the chosen
password and name and signs the student in."""
