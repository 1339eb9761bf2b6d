"""Japanese understanding: Rasa graph components built on GiNZA / Sudachi."""

# Messages longer than this are not classified: the assistant asks for a shorter question
# (documented in README "Limits"). Shared by japanese_nlu (components, segments) and actions.choice.
MAX_MESSAGE_CHARS = 500
