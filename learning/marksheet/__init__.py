"""The marksheet: per completed course a score, grade and grade points, Guru's academic
credits as weights, CGPA and classification, computed live from SHISHYA's own records."""
