"""The student's profile: name, username, headline, bio, links, avatar and who may see their
portfolio."""
