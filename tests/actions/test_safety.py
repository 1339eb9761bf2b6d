import threading
import time

from actions.safety import ActionEmergency
from knowledge import knowledge_base
from tests.channels.standins import serve, slack_responder
from tests.conftest import make_tracker


def test_emergency_answer_says_119_and_the_clinic_phone(dispatcher, monkeypatch):
    monkeypatch.delenv("SLACK_ALERT_CHANNEL", raising=False)
    ActionEmergency().run(dispatcher, make_tracker("息が苦しい", "report_emergency"), {})
    [message] = dispatcher.messages
    kb = knowledge_base()
    assert "119" in message["text"].splitlines()[0]
    assert kb.clinic["phone"] in message["text"] or kb.clinic["emergency_phone"] in message["text"]
    assert not message.get("buttons")


def test_emergency_is_posted_to_the_staff_slack_channel(dispatcher, monkeypatch):
    with serve(slack_responder) as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_ALERT_CHANNEL", "C0ALERTS")
        monkeypatch.setenv("SLACK_API_URL", slack.url + "/api/")
        ActionEmergency().run(dispatcher, make_tracker("点滴のあと胸が痛い", "report_emergency"), {})
        [post] = slack.wait_for(lambda r: r["path"].endswith("/chat.postMessage"))
    assert post["body"]["channel"] == "C0ALERTS"
    assert "点滴のあと胸が痛い" in post["body"]["text"]
    assert "119" in dispatcher.messages[0]["text"]


def test_the_alert_links_to_the_conversation_in_the_console_not_the_sender_id(monkeypatch):
    from actions.safety import alert_text
    from console.keys import conversation_key

    monkeypatch.setenv("CONSOLE_PUBLIC_URL", "https://console.clinic.example/")
    text = alert_text("U4af4980629", "胸が苦しい")
    assert f"https://console.clinic.example/conversations/{conversation_key('U4af4980629')}" in text
    assert "U4af4980629" not in text and "胸が苦しい" in text
    monkeypatch.delenv("CONSOLE_PUBLIC_URL")
    assert f" /conversations/{conversation_key('U4af4980629')}" in alert_text("U4af4980629", "胸が苦しい")


def test_a_slack_that_answers_only_after_10_s_does_not_hold_the_answer(dispatcher, monkeypatch):
    """A real HTTP stand-in that holds every call for 10 s. Posting from the action itself would keep
    the patient waiting for the Slack client's 5 s timeout; in the background the action returns at
    once (the bound below is 1 s, five times under that timeout, not a speed measurement)."""
    release = threading.Event()

    def slow_slack(path, entry):
        release.wait(timeout=10)
        return slack_responder(path, entry)

    with serve(slow_slack) as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_ALERT_CHANNEL", "C0ALERTS")
        monkeypatch.setenv("SLACK_API_URL", slack.url + "/api/")
        started = time.monotonic()
        ActionEmergency().run(dispatcher, make_tracker("胸が苦しい", "report_emergency"), {})
        took = time.monotonic() - started
        [held] = slack.wait_for(lambda r: r["path"].endswith("/chat.postMessage"))
        release.set()
    assert "119" in dispatcher.messages[0]["text"] and took < 1.0, took
    assert "胸が苦しい" in held["body"]["text"] and "/conversations/" in held["body"]["text"]


def test_a_slack_failure_does_not_stop_the_answer(dispatcher, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_ALERT_CHANNEL", "C0ALERTS")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # nothing listens there
    ActionEmergency().run(dispatcher, make_tracker("息ができない", "report_emergency"), {})
    assert "119" in dispatcher.messages[0]["text"]


def test_a_hung_slack_does_not_hold_the_patients_answer(dispatcher, monkeypatch):
    """The alert is posted in the background: with Slack hung (the post waits until the test releases
    it), the action still returns the 119 answer; the alert goes out once Slack answers."""
    import actions.safety

    release, posted = threading.Event(), []

    def hung_slack(client, channel, text):
        release.wait(timeout=60)
        posted.append((channel, text))

    monkeypatch.setattr(actions.safety, "alert_staff", hung_slack)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_ALERT_CHANNEL", "C0ALERTS")
    action = threading.Thread(
        target=ActionEmergency().run, args=(dispatcher, make_tracker("胸が苦しい", "report_emergency"), {})
    )
    action.start()
    action.join(timeout=20)  # a synchronous post would keep the action waiting for the release
    returned = not action.is_alive()
    release.set()
    action.join()
    assert returned and "119" in dispatcher.messages[0]["text"]
    deadline = time.monotonic() + 30
    while not posted and time.monotonic() < deadline:  # the background post, now that Slack answers
        time.sleep(0.05)
    assert [(channel, "胸が苦しい" in text) for channel, text in posted] == [("C0ALERTS", True)]


def test_an_emergency_typed_in_romaji_is_also_answered_in_english(dispatcher, monkeypatch):
    monkeypatch.delenv("SLACK_ALERT_CHANNEL", raising=False)
    tracker = make_tracker("いき が できない たすけて", "report_emergency", romaji="iki ga dekinai tasukete")
    ActionEmergency().run(dispatcher, tracker, {})
    texts = "\n".join(m["text"] for m in dispatcher.messages)
    assert "119" in dispatcher.messages[0]["text"].splitlines()[0]
    assert knowledge_base().topics["emergency"].translations["en"].split("\n")[0][:20] in texts
