"""The end of a run reaches the browser even when a fragment's timer asks for a rerun just as
the run finishes (ui/reruns.py, installed by server.py).

Streamlit's own session and script runner, on an event loop the test holds still: the full run
of a small app (a timed fragment, then a last line) finishes on its thread, so every element and
its "finished" wait queued for the loop and the runner has stopped; THEN the fragment's timed
rerun request is handled, as the websocket route handles it, and only then does the loop
deliver. Without the fix Streamlit starts a new runner and drops the first run's last line and
its script_finished (the role matrix's Responder tab that never finished; the Floor plan's
level-2 map that never came after "Second Floor").

A Streamlit Runtime is one per process: the scenario runs in a process of its own.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAST_LINE = "the last line of the run"
APP = f"""
import streamlit as st

@st.fragment(run_every=3600)
def banner():
    st.write("banner")

banner()
st.write({LAST_LINE!r})
"""


def _runtime(script: str):
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.runtime import Runtime, RuntimeConfig

    media, uploads = MemoryMediaFileStorage("/media"), MemoryUploadedFileManager("/upload")
    return Runtime(RuntimeConfig(script, media, uploads))


def _ended(msgs, status) -> bool:
    return any(
        m.WhichOneof("type") == "script_finished" and m.script_finished == status for m in msgs
    )


async def _finish_then_fragment_request(script: str) -> list:
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.script_data import ScriptData

    runtime = _runtime(script)
    session = AppSession(
        ScriptData(script), runtime._uploaded_file_mgr, runtime._script_cache, None, {}
    )
    try:
        session.request_rerun(None)  # the page load: a full run on the runner's thread
        runner = session._scriptrunner
        runner._script_thread.join(60)  # no await: the loop delivers nothing yet
        assert not runner._script_thread.is_alive(), "the run did not finish in 60 s"
        (fragment_id,) = session._fragment_storage._fragments
        # the banner's timer, handled by the websocket route before the loop delivers
        session.request_rerun(ClientState(fragment_id=fragment_id, is_auto_rerun=True))
        msgs = []
        deadline = time.monotonic() + 60
        while not _ended(msgs, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            assert time.monotonic() < deadline, [m.WhichOneof("type") for m in msgs]
            await asyncio.sleep(0.01)
            msgs += session.flush_browser_queue()
        return msgs
    finally:
        session.shutdown()


def main(script: str) -> None:
    """The scenario, with the fix installed as server.py installs it; prints what was sent."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from ui.reruns import deliver_finished_runs

    deliver_finished_runs()
    msgs = asyncio.run(_finish_then_fragment_request(script))
    sent = b"".join(m.SerializeToString() for m in msgs)
    print(
        json.dumps(
            {
                "kinds": [m.WhichOneof("type") for m in msgs],
                "last_line": LAST_LINE.encode() in sent,
                "finished": _ended(msgs, ForwardMsg.FINISHED_SUCCESSFULLY),
            }
        )
    )


def test_a_timed_fragment_rerun_never_swallows_the_end_of_a_finished_run(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", f"from tests.ui.test_reruns import main; main({str(script)!r})"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["last_line"] and seen["finished"], seen


def test_a_timed_fragment_rerun_never_replaces_a_pending_full_run_of_another_page():
    """Streamlit's own request queue: a person's click on another page is pending (the run in
    progress has not yielded yet) when the browser's timer sends a fragment rerun carrying the
    page and address it still shows. The run that follows is the page the person asked for,
    with their widget values (before ui.reruns.keep_pending_full_runs: the old page)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import (
        RerunData,
        ScriptRequests,
        ScriptRequestType,
    )

    from ui.reruns import keep_pending_full_runs

    keep_pending_full_runs()
    chosen = WidgetStates()
    chosen.widgets.add(id="level", string_value="Second Floor")
    stale = WidgetStates()
    stale.widgets.add(id="level", string_value="First Floor")
    queue = ScriptRequests()  # a runner in the middle of a run, nothing asked yet
    assert queue.request_rerun(
        RerunData(query_string="", page_script_hash="floor", widget_states=chosen)
    )
    assert queue.request_rerun(
        RerunData(
            query_string="campus=cvhs",
            page_script_hash="district",
            widget_states=stale,
            fragment_id="banner",
            is_auto_rerun=True,
        )
    )
    request = queue.on_scriptrunner_yield()
    assert request is not None and request.type == ScriptRequestType.RERUN
    run = request.rerun_data
    assert (run.page_script_hash, run.query_string) == ("floor", "")
    assert not run.fragment_id_queue  # a full run: every fragment is drawn again
    assert [w.string_value for w in run.widget_states.widgets] == ["Second Floor"]

    # with no full run pending, a timed fragment rerun is queued as before
    ticks = ScriptRequests()
    ticks.request_rerun(RerunData(fragment_id="banner", is_auto_rerun=True))
    assert ticks.on_scriptrunner_ready().rerun_data.fragment_id_queue == ["banner"]
