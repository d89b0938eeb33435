"""README's Layout table matches the tree: every file or package it names exists in its row's
directory, and every package of an app is named in the app's row."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Django's own places, the same in every app: not the app's shape.
NOT_FEATURES = {"migrations", "management", "commands", "templates", "static", "__pycache__"}


def layout_rows() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1]
    return rows


def named_paths(text: str) -> set[str]:
    """Files and packages named in text (not URL paths such as `/api/admin/`)."""
    return {
        name
        for name in re.findall(r"`([\w./-]+)`", text)
        if name.endswith((".py", "/")) and not name.startswith("/")
    }


def test_every_file_and_package_the_layout_names_exists():
    rows = layout_rows()
    assert {"config/", "accounts/", "guru/", "learning/", "wallet/", "mithra/"} <= set(rows)
    missing = []
    for directory, text in rows.items():
        tree = ROOT / directory
        present = {
            path.relative_to(tree).as_posix() + ("/" if path.is_dir() else "")
            for path in tree.rglob("*")
        }
        for name in named_paths(text):
            in_row = any(path == name or path.endswith("/" + name) for path in present)
            if not in_row and not (ROOT / name).exists():  # or named from the top
                missing.append(f"{directory}{name}")
    assert missing == []


def test_every_package_of_a_django_app_is_named_in_its_row():
    unnamed = []
    for directory, text in layout_rows().items():
        if not (ROOT / directory / "apps.py").exists():
            continue
        names = {name.rstrip("/").rsplit("/", 1)[-1] for name in named_paths(text)}
        for init in (ROOT / directory).glob("*/__init__.py"):
            package = init.parent.name
            if package not in NOT_FEATURES and package not in names:
                unnamed.append(f"{directory}{package}/")
    assert unnamed == []
