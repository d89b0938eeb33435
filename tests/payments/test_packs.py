"""GET /api/payments/packs: what a student can buy, as Guru prices it, without calling Guru."""

import pytest

from guru.models import CreditPack, Plan
from tests.factories import CreditPackFactory
from tests.guru.catalogue import pricing

pytestmark = pytest.mark.django_db


def test_lists_gurus_active_packs_and_plans_in_paise(client, guru_in_process):
    pricing()
    CreditPackFactory(name="Retired", credits=10, price_paise=1000, is_active=False)
    response = client.get("/api/payments/packs")
    assert response.status_code == 200
    body = response.json()
    assert body["credit_packs"] == [
        {
            "id": CreditPack.objects.get(name="Starter").pk,
            "name": "Starter",
            "credits": 100,
            "price_paise": 9900,
            "currency": "INR",
        }
    ]
    (plan,) = body["plans"]
    assert plan == {
        "id": Plan.objects.get().pk,
        "name": "Pro",
        "price_paise": 49900,
        "currency": "INR",
        "period": "monthly",
        "period_days": plan["period_days"],
        "features": {"tutor_unlimited": True},
    }


def test_a_repriced_pack_shows_once_guru_moves_its_version(client, guru_in_process, settings):
    settings.GURU_VERSION_MAX_AGE_SECONDS = 0  # every read asks the version (1 s by default)
    pricing()
    assert client.get("/api/payments/packs").json()["credit_packs"][0]["price_paise"] == 9900
    CreditPack.objects.update(price_paise=19900)  # a write outside the services: no bump
    assert client.get("/api/payments/packs").json()["credit_packs"][0]["price_paise"] == 9900
    from guru.services.version import content_version_bump

    content_version_bump()
    assert client.get("/api/payments/packs").json()["credit_packs"][0]["price_paise"] == 19900
