"""Every ApiError subclass the project defines, found by importing every app module."""

import importlib
import pkgutil

from config.errors import ApiError

APPS = ("accounts", "config", "guru", "learning", "mithra", "payments", "shishya", "wallet")


def import_everything() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


def subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *subclasses(sub)}
    return found


def project_errors() -> set[type[ApiError]]:
    """ApiError and its subclasses defined by the apps (not by tests)."""
    import_everything()
    return {
        cls for cls in {ApiError, *subclasses(ApiError)} if cls.__module__.split(".")[0] in APPS
    }
