import pytest
from asgiref.sync import SyncToAsync


@pytest.fixture
def thread_hops(monkeypatch) -> list[str]:
    """The functions run through sync_to_async (a thread hop each) from here on, in order."""
    hopped: list[str] = []
    call = SyncToAsync.__call__

    async def recording(self, *args, **kwargs):
        hopped.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await call(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", recording)
    return hopped
