from django.urls import path

from mithra import api

urlpatterns = [
    path("ask", api.AskView.as_view(), name="mithra-ask"),
    path("conversations", api.ConversationListView.as_view(), name="mithra-conversations"),
    path(
        "conversations/<int:conversation_id>",
        api.ConversationDetailView.as_view(),
        name="mithra-conversation",
    ),
]
