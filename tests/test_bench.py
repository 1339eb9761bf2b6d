"""The benches' own arithmetic (they run outside `make test`: `make bench`)."""

from bench.turns import RASA_PHASES, blocks, phases


def test_phases_attribute_each_sample_to_its_deepest_named_frame(tmp_path):
    raw = tmp_path / "rasa.txt"
    raw.write_text(
        "serve (sanic/server.py:1);handle_message (rasa/core/processor.py:1);"
        "fetch_tracker_and_update_session (rasa/core/processor.py:2);loads (json/__init__.py:3) 10\n"
        "serve (sanic/server.py:1);handle_message (rasa/core/processor.py:1);_run_action (rasa/core/processor.py:5);"
        "request (rasa/utils/endpoints.py:9);dumps (json/__init__.py:1) 4\n"
        "serve (sanic/server.py:1) 6\n"
    )
    found = phases(raw, RASA_PHASES, messages=2)
    assert found == {
        "tracker retrieve": 10.0,  # 10 samples at 500/s = 20 ms, over 2 messages
        "custom action: HTTP call (client side)": 4.0,
        "web server, channel, the rest": 6.0,
    }


def test_blocks_of_ten_turns():
    rows = blocks([float(i) for i in range(1, 26)])
    assert [r["turns"] for r in rows] == ["1-10", "11-20", "21-25"]
    assert rows[0]["p50"] == 5.5 and rows[2]["p50"] == 23.0
