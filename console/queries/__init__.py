"""What the console shows and exports, as plain data (already masked).

The package is split by subject; the names routes, the command line and tests use are
imported here, so `from console import queries; queries.transcript(...)` reads the same
wherever it is called:

- labels: Japanese labels for intents, channels and ratings; domain.yml's intents; local times
- conversations: the conversation list, its filters, and finding one conversation
- transcripts: one conversation's messages and answers, in order
- staff: the review mark, notes and tags staff add
- corrections: corrected intents, and their export as NLU training data
- stats: the dashboard's numbers
- csv_export: the conversation list as CSV

Deleting old conversations is retention, not a query: console/retention.py.
"""

from console.queries.conversations import (
    ConversationRow,
    Filters,
    all_tags,
    attention_count,
    find_sender,
    get_conversation,
    iter_conversations,
    known_channels,
    known_intents,
    list_conversations,
)
from console.queries.corrections import (
    corrections_yaml,
    delete_correction,
    list_corrections,
    save_correction,
    training_text,
)
from console.queries.csv_export import conversations_csv
from console.queries.labels import (
    CHANNEL_LABELS,
    RATING_LABELS,
    domain_intents,
    format_ts,
    intent_label,
    intent_labels,
)
from console.queries.staff import add_tag, clean_tag, get_review, remove_tag, set_review
from console.queries.stats import dashboard
from console.queries.transcripts import Transcript, Turn, transcript

__all__ = [
    "CHANNEL_LABELS",
    "intent_labels",
    "RATING_LABELS",
    "ConversationRow",
    "Filters",
    "Transcript",
    "Turn",
    "add_tag",
    "all_tags",
    "attention_count",
    "clean_tag",
    "conversations_csv",
    "corrections_yaml",
    "dashboard",
    "delete_correction",
    "domain_intents",
    "find_sender",
    "format_ts",
    "get_conversation",
    "get_review",
    "intent_label",
    "iter_conversations",
    "known_channels",
    "known_intents",
    "list_conversations",
    "list_corrections",
    "remove_tag",
    "save_correction",
    "set_review",
    "training_text",
    "transcript",
]
