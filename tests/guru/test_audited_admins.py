"""Every model the admin audit log covers is written on the Guru admin site through the one
base that routes writes through guru's audited services."""

from guru.admin import AuditedModelAdmin
from guru.admin_site import guru_admin_site
from guru.services.audit import ENTITY_TYPES


def test_every_audited_model_on_the_admin_site_writes_through_the_audited_base():
    registered = guru_admin_site._registry
    unaudited = [
        model.__name__
        for model, model_admin in registered.items()
        if model in ENTITY_TYPES and not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert registered.keys() & ENTITY_TYPES.keys()
    assert unaudited == []
