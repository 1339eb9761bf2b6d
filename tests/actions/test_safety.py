from actions.knowledge import knowledge_base
from actions.safety import ActionEmergency
from tests.conftest import make_tracker


def test_emergency_answer_says_119_and_the_clinic_phone(dispatcher, monkeypatch):
    ActionEmergency().run(dispatcher, make_tracker("息が苦しい", "report_emergency"), {})
    [message] = dispatcher.messages
    kb = knowledge_base()
    assert "119" in message["text"]
    assert kb.clinic["phone"] in message["text"] or kb.clinic["emergency_phone"] in message["text"]
    assert not message.get("buttons")
