"""Every memo a process keeps is registered in config.process_caches, so the autouse fixture
in tests/conftest.py forgets all of them between tests (and a new one cannot be missed)."""

import ast
import functools
import importlib
import pkgutil
from pathlib import Path

from config import process_caches

APPS = ["config", "accounts", "guru", "shishya", "wallet", "payments", "learning", "mithra"]
# Module-level containers that are state, not memos: clearing them would change behaviour.
NOT_MEMOS = {
    ("config.process_caches", "_REGISTERED"),  # the registry itself
    ("payments.selectors", "DEFAULT_FEATURES"),  # a default, never written
    # Answers being written, referenced until they end (so each is finished and charged).
    ("mithra.api", "_answers_running"),
    # The tasks that close each loop's model client when the loop ends, referenced until then.
    ("mithra.openai_chat", "_closers"),
}


def _app_modules():
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=app + "."):
            if ".migrations" in info.name or info.name.endswith(("asgi", "wsgi")):
                continue
            yield importlib.import_module(info.name)


EMPTY_CONTAINERS = {
    "dict",
    "set",
    "list",
    "WeakKeyDictionary",
    "WeakValueDictionary",
    "OrderedDict",
}


def _starts_empty(value: ast.expr) -> bool:
    """An empty container written at module level (possibly through register()): a memo.
    Tables written out in full are constants."""
    if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "register":
        return bool(value.args) and _starts_empty(value.args[0])
    if isinstance(value, ast.Dict | ast.List | ast.Set):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    if isinstance(value, ast.Call) and not value.args and not value.keywords:
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in EMPTY_CONTAINERS
    return False


def _memos():
    """Module-level lru_cache/cache functions, and containers a module starts empty and fills."""
    for module in _app_modules():
        for name, value in vars(module).items():
            own = getattr(value, "__module__", None) == module.__name__
            if own and callable(value) and hasattr(value, "cache_clear"):
                yield module.__name__, name, value
        tree = ast.parse(Path(module.__file__).read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if _starts_empty(node.value):
                    for target in targets:
                        if isinstance(target, ast.Name):
                            yield module.__name__, target.id, vars(module)[target.id]


def test_every_process_memo_is_registered():
    found = {(module, name): value for module, name, value in _memos()}
    # The scan sees the memos the issue named, so an empty scan cannot pass.
    assert {
        ("shishya.guru_client", "_LOCAL_COPIES"),
        ("shishya.guru_client", "_session"),
        ("accounts.backends", "_USER_READS"),
        ("wallet.services", "_WELCOME_SETTLED"),
        ("learning.catalogue.api", "_rendered_catalogues"),
    } <= set(found)
    unregistered = sorted(
        key
        for key, value in found.items()
        if key not in NOT_MEMOS and not process_caches.is_registered(value)
    )
    assert unregistered == []


def test_clear_all_forgets_every_kind_of_memo(monkeypatch):
    monkeypatch.setattr(process_caches, "_REGISTERED", {})
    calls = []

    @process_caches.register
    @functools.cache
    def counted(x: int) -> int:
        calls.append(x)
        return x

    counted(1)
    memo = process_caches.register({"a": 1})
    forgotten = []
    process_caches.register(lambda: forgotten.append(True))
    process_caches.clear_all()
    assert memo == {}
    assert forgotten == [True]
    counted(1)
    assert calls == [1, 1]
