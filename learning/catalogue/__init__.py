"""The course catalogue: Guru's published courses as students browse them, with their own
enrollment and progress when signed in."""
