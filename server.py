"""PassMap's server: app.py (the frame) served by Streamlit, plus what must not wait for a visitor.

``make run`` runs ``streamlit run server.py``; Streamlit finds the ASGI ``app`` below (st.App)
and serves app.py through it, on the address and port of its usual flags and config. Around the
script runs, this adds:

- ``lifespan``: work that starts with the server and ends with it (the shared store is opened,
  and closed after the last script run);
- ``middleware``: what every HTTP request and websocket passes through;
- ``routes``: HTTP endpoints served without a Streamlit script run;
- the CLI's read commands: the server holds the DuckDB file (one writer), so ``passmap status``
  and the other read commands ask it over loopback with the token it leaves beside the database
  (passmap/cli/served.py).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from passmap.cli.served import ServerLink, loopback_url
from passmap.config import load_settings
from passmap.feeds.service import health_routes, start_service, stop_service
from passmap.store.shared import close_shared, shared_store
from ui import share_http
from ui.frontend_fix import PatchedFrontend
from ui.guard import no_pages_folder
from ui.http_guard import ROUTES as GUARD_ROUTES
from ui.http_guard import HttpGuard, believe_no_uvicorn_proxy_headers, startup_notices
from ui.maplayers import ROUTES as MAP_ROUTES
from ui.reruns import deliver_finished_runs, keep_pending_full_runs

CLI_LINK = ServerLink(load_settings().db_path)  # the token read commands present (h15)


@asynccontextmanager
async def lifespan(_app):
    settings = load_settings()
    store = shared_store(settings.db_path)  # opened (and migrated) before the first visitor
    startup_notices(store)  # h12: the first administrator's setup token, when no account exists
    # live ingest starts with the server, not with a visit (passmap/feeds/service.py)
    await asyncio.to_thread(start_service, settings, store)
    # the port is bound by now: read commands of `passmap` find this server beside the database
    address = st.get_option("server.address")
    CLI_LINK.publish(loopback_url(address, st.get_option("server.port")), address)
    try:
        yield
    finally:
        CLI_LINK.withdraw()  # first: a read command then opens the file itself once it is free
        # SIGTERM: the queue is written and acknowledged before the store closes
        await asyncio.to_thread(stop_service)
        share_http.close()  # share links: queued access-log rows written before the store closes
        close_shared()


believe_no_uvicorn_proxy_headers()  # PASSMAP_TRUSTED_PROXIES alone (ui/http_guard.py)
no_pages_folder()  # h12: pages run only through app.py's st.navigation (ui/guard.py)
deliver_finished_runs()  # h12: a fragment's timer never swallows the end of a run (ui/reruns.py)
keep_pending_full_runs()  # a fragment's timer never replaces a pending full run (ui/reruns.py)
app = st.App(
    "app.py",
    lifespan=lifespan,
    routes=[
        *health_routes(load_settings()),  # h15: GET /healthz/ingest (counts only)
        *share_http.ROUTES,  # share links as static bundles, no script run (issue 18)
        *GUARD_ROUTES,  # h12: the HttpOnly cookie route
        *MAP_ROUTES,  # the maps' large layers, fetched once per browser (ui/deckmap)
        *CLI_LINK.routes(lambda: shared_store(load_settings().db_path)),  # h15: POST /api/cli
    ],
    middleware=[
        Middleware(HttpGuard),  # h12: headers, closed endpoints, uploads, media, cache
        Middleware(share_http.LegacyShareRedirect),  # /?share=T -> /share/T
        Middleware(PatchedFrontend),  # a fragment's run never wipes the page (ui/frontend_fix.py)
    ],
)
