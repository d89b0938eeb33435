"""The tutor's model client: one per event loop, closed when its loop ends."""

import asyncio

from mithra.openai_chat import _client


def test_a_loops_model_client_is_reused_and_closed_when_the_loop_ends(openai_fake):
    async def twice():
        loop = asyncio.get_running_loop()
        return _client(loop), _client(loop)

    first, second = asyncio.run(twice())

    assert first is second
    # aiohttp's session must be closed on its own loop: no "Unclosed client session" later.
    assert first.is_closed()
