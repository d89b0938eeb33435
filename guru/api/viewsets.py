"""Guru's admin API entities on viewsets: each entity declares its serializers, reads, filters
and parent once (an AdminEntityViewSet subclass); the mixins below turn that into the list,
get, create, update and delete operations it has, their OpenAPI documents, and writes through
guru's audited services (the audit row in the write's transaction)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.pagination import PagePagination
from guru.admin_base import AdminViewSet
from guru.api.common import CONFLICT, parse_body, parse_query
from guru.services.audit import AuditActor
from guru.services.entities import audited_create, audited_delete, audited_update

# The model an entity's viewset serves.
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Parent:
    """The row an entity belongs to: named by id when the entity is created, fixed after."""

    field: str  # the model's foreign key, e.g. "course"
    model: type[Model]

    @property
    def api_name(self) -> str:
        return f"{self.field}_id"


# A class docstring here would become every operation's description in the schema (as would
# one on an entity's viewset): comments instead.
class AdminEntityViewSet(AdminViewSet, Generic[M]):
    # Declared per entity: entity (the operation ids' stem), model, lookup_url_kwarg,
    # output_serializer, fields_serializer (the writable fields; the create and update inputs
    # are built from it and the parent), parent, filter_serializer, list_selector and
    # get_selector (reads live in guru.selectors). Writes go through the generic audited
    # services; an entity with rules of its own overrides perform_create, perform_update or
    # perform_destroy with its service.

    entity: ClassVar[str]
    model: ClassVar[type[Model]]
    output_serializer: ClassVar[type[serializers.Serializer]]
    list_output_serializer: ClassVar[type[serializers.Serializer] | None] = None
    fields_serializer: ClassVar[type[serializers.ModelSerializer] | None] = None
    create_serializer: ClassVar[type[serializers.Serializer] | None] = None
    update_serializer: ClassVar[type[serializers.Serializer] | None] = None
    parent: ClassVar[Parent | None] = None
    filter_serializer: ClassVar[type[serializers.Serializer] | None] = None
    list_selector: ClassVar[Callable[..., QuerySet]]
    get_selector: Callable[..., M]  # a function on the class (ClassVar takes no type variable)
    # Operation -> its OpenAPI description, where the operation needs one.
    descriptions: ClassVar[dict[str, str]] = {}

    pagination_class = PagePagination
    lookup_value_converter = "int"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "entity" not in cls.__dict__:
            return  # a mixin combination, not an entity
        name = cls.model.__name__
        if cls.fields_serializer is not None:
            if cls.create_serializer is None:
                cls.create_serializer = _input_serializer(
                    f"{name}Create", cls.fields_serializer, cls.parent
                )
            if cls.update_serializer is None:
                cls.update_serializer = _input_serializer(f"{name}Update", cls.fields_serializer)
        _document(cls)

    def get_object(self) -> M:
        kwarg = self.lookup_url_kwarg or self.lookup_field
        return type(self).get_selector(**{kwarg: self.kwargs[kwarg]})

    def output(self, instance: M) -> dict[str, Any]:
        return self.output_serializer(instance).data

    def actor(self) -> AuditActor:
        return AuditActor.from_request(self.request)


def _input_serializer(
    name: str, fields: type[serializers.ModelSerializer], parent: Parent | None = None
) -> type[serializers.ModelSerializer]:
    if parent is None:
        return type(name, (fields,), {})
    meta = type("Meta", (fields.Meta,), {"fields": [parent.api_name, *fields.Meta.fields]})
    parent_id = serializers.PrimaryKeyRelatedField(
        source=parent.field, queryset=parent.model._default_manager.all()
    )
    return type(name, (fields,), {parent.api_name: parent_id, "Meta": meta})


def path_id(name: str) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, int, OpenApiParameter.PATH)]


def parent_filter(name: str) -> type[serializers.Serializer]:
    """The query filter naming the parent whose rows a list shows (course_id=...)."""
    field = serializers.IntegerField(min_value=1, required=False)
    return type("FilterSerializer", (serializers.Serializer,), {name: field})


def _document(cls: type[AdminEntityViewSet]) -> None:
    item = path_id(cls.lookup_url_kwarg) if cls.lookup_url_kwarg else None
    output = cls.output_serializer
    # Each operation's extend_schema arguments.
    operations: dict[str, dict[str, Any]] = {
        "list": dict(
            suffix="list",
            parameters=[cls.filter_serializer] if cls.filter_serializer else None,
            responses=(cls.list_output_serializer or output)(many=True),
        ),
        "create": dict(
            suffix="create", request=cls.create_serializer, responses={201: output, **CONFLICT}
        ),
        "retrieve": dict(suffix="get", parameters=item, responses=output),
        "update": dict(
            suffix="update",
            parameters=item,
            request=cls.update_serializer,
            responses={200: output, **CONFLICT},
        ),
        "destroy": dict(suffix="delete", parameters=item, responses={204: None, **CONFLICT}),
    }
    schemas = {}
    for action, spec in operations.items():
        if not hasattr(cls, action) or action in cls.__dict__:
            continue  # an operation the entity does not have, or documents itself
        suffix = spec.pop("suffix")
        spec = {key: value for key, value in spec.items() if value is not None}
        if action in cls.descriptions:
            spec["description"] = cls.descriptions[action]
        schemas[action] = extend_schema(operation_id=f"admin_{cls.entity}_{suffix}", **spec)
    extend_schema_view(**schemas)(cls)


class ListMixin:
    def list(self: Any, request: Request) -> Response:
        filters = parse_query(self.filter_serializer, request) if self.filter_serializer else {}
        page = self.paginate_queryset(type(self).list_selector(**filters))
        serializer = self.list_output_serializer or self.output_serializer
        return self.get_paginated_response(serializer(page, many=True).data)


class RetrieveMixin:
    def retrieve(self: Any, request: Request, **kwargs: Any) -> Response:
        return Response(self.output(self.get_object()))


class CreateMixin(Generic[M]):
    def create(self: Any, request: Request) -> Response:
        fields = parse_body(self.create_serializer, request)
        return Response(self.output(self.perform_create(fields)), status=201)

    def perform_create(self: Any, fields: dict[str, Any]) -> M:
        return audited_create(actor=self.actor(), model=self.model, fields=fields)


class UpdateMixin(Generic[M]):
    def update(self: Any, request: Request, **kwargs: Any) -> Response:
        instance = self.get_object()
        fields = parse_body(self.update_serializer, request, instance=instance)
        return Response(self.output(self.perform_update(instance, fields)))

    def perform_update(self: Any, instance: M, fields: dict[str, Any]) -> M:
        return audited_update(actor=self.actor(), instance=instance, fields=fields)


class DestroyMixin(Generic[M]):
    def destroy(self: Any, request: Request, **kwargs: Any) -> Response:
        self.perform_destroy(self.get_object())
        return Response(status=204)

    def perform_destroy(self: Any, instance: M) -> None:
        audited_delete(actor=self.actor(), instance=instance)


class AdminCrudViewSet(
    ListMixin, RetrieveMixin, CreateMixin[M], UpdateMixin[M], DestroyMixin[M], AdminEntityViewSet[M]
):
    pass  # an entity with every operation
