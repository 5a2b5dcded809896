"""Two races of Streamlit 1.67 between the browser's timed fragment reruns and the runs a
person asks for, closed once per process by server.py: the end of a script run always reaches
the browser (``deliver_finished_runs``), and a pending full run keeps the page, address and
widget values it was asked with (``keep_pending_full_runs``, below).

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


def keep_pending_full_runs() -> None:
    """A fragment's timed rerun never replaces a full run the person asked for (once per
    process; server.py calls it).

    The race (Streamlit 1.67, ``ScriptRequests._request_rerun_locked``): while a full rerun is
    pending (the current run has not reached its next yield point), a newer request is folded
    into it, and the merged request takes the page, the address and the widget values of the
    NEWER one. The browser's timers (banner every 2 s, live map every 1 s, tier poll every
    0.5 s) send such newer requests carrying the page the browser still shows: a click on
    "Floor plan" followed by a tick before the runner yielded became a full rerun of the old
    page, and the navigation was lost (h18, bench_incident: 3 of 3 at load ~45).

    The fix: while a full rerun is pending, a timed fragment-only request is dropped. The full
    run reruns every fragment anyway, and a widget's own change always comes with its own
    request. Requests of any other kind are merged as before."""
    from streamlit.runtime.scriptrunner_utils import script_requests

    requests = script_requests.ScriptRequests
    original = requests._request_rerun_locked
    if getattr(original, "passmap_keeps_full_runs", False):
        return
    full = script_requests._is_full_app_rerun

    def _request_rerun_locked(self, new_data) -> bool:
        if (
            self._state == script_requests.ScriptRequestType.RERUN
            and full(self._rerun_data)
            and new_data.is_auto_rerun
            and not full(new_data)
        ):
            return True  # the pending full run stands as the person asked for it
        return original(self, new_data)

    _request_rerun_locked.passmap_keeps_full_runs = True
    requests._request_rerun_locked = _request_rerun_locked
