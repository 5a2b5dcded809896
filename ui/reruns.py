"""The end of a script run always reaches the browser, also when a fragment's timer asks for a
rerun just as the run finishes (Streamlit 1.67; server.py calls ``deliver_finished_runs`` once).

The race: a ScriptRunner hands every event of a run (each element, then "finished") to the
server's event loop, and only then stops. A fragment rerun request handled on the event loop in
between finds the runner stopped, so ``AppSession.request_rerun`` starts a new ScriptRunner, and
the session then ignores every event still queued from the old one ("sender is not
self._scriptrunner"): the run's last elements and its script_finished are lost, and the page
stays as it was. The alarm banner (every 2 s) and the live map (every 1 s) send such requests
on every page, so any run could lose its end: a tab whose page never finished (the role matrix's
Responder tab), the Floor plan's level-2 map after "Second Floor".

The fix: such a fragment request waits one turn of the event loop. The stopped run's events were
all queued before it stopped, so they are delivered first, as if the request had come a moment
later. Full reruns are unchanged (a new full run draws the whole page again anyway).
tests/ui/test_reruns.py holds the loop still to put the request exactly in that gap.
"""

from __future__ import annotations


def deliver_finished_runs() -> None:
    """Patch ``AppSession.request_rerun`` as described above (once per process)."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    original = AppSession.request_rerun
    if getattr(original, "passmap_waits_for_finished_runs", False):
        return

    def request_rerun(self, client_state=None) -> None:
        runner = self._scriptrunner
        if (
            client_state is not None
            and client_state.fragment_id
            and runner is not None
            and runner._requests._state == ScriptRequestType.STOP
        ):
            # after the stopped run's queued events (call_soon keeps the loop's order)
            self._event_loop.call_soon(original, self, client_state)
            return
        original(self, client_state)

    request_rerun.passmap_waits_for_finished_runs = True
    AppSession.request_rerun = request_rerun
