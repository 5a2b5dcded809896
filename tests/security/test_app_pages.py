"""The access pages in AppTest through app.py: responder map, users, share links, expiry,
first start."""

from datetime import timedelta

from passmap import auth
from passmap.localtime import local_time
from tests.helpers import _store, login
from tests.security.apptest_tools import new_app, page_path
from tests.ui.conftest import map_args
from ui.auth import SESSION_KEY


def test_responder_search_answers_with_the_cell_and_editors_record_walkthroughs(app, tiny_db):
    at = new_app()
    login(at, "editor")
    at.run()
    at.switch_page(page_path("responder")).run()
    at.text_input(key="responder_q").input("Science").run()
    answer = map_args(at)["overlay"]["answer"]  # written on the map, with the grid cell
    assert answer.startswith("Room 102 – Science Lab: ") and "grid cell B2." in answer, answer
    assert {b.label for b in at.get("download_button")} >= {
        "Download GeoJSON (with grid)",
        "Download IMDF (zip)",
    }
    at.text_input(key="responder_q").input("")
    at.button(key="responder_pdf_build").click().run()
    assert "Download PDF" in {b.label for b in at.get("download_button")}
    at.form[0].text_input[0].input("annual walk")
    at.form[0].button[0].click().run()
    assert any("Walk-through of Main Building recorded" in s.value for s in at.success)
    status = _store(tiny_db).last_verifications("c1")["b1"]
    assert status["verified_by"] == "demo-editor" and status["note"] == "annual walk"


def test_viewers_cannot_record_walkthroughs(app):
    at = new_app()
    login(at, "viewer")
    at.run()
    at.switch_page(page_path("responder")).run()
    assert not at.exception
    # The page rendered (its title and the walk-through section the form belongs to) ...
    assert any(h.value.startswith("Responder map: ") for h in at.subheader)
    assert "Walk-through verification" in [h.value for h in at.subheader]
    # ... and the viewer gets the verification table without the form editors get.
    assert len(at.dataframe) >= 1 and not at.main.form  # (the sidebar: 'Change my password')


def test_admin_adds_an_account_and_it_can_sign_in(app, tiny_db, monkeypatch):
    monkeypatch.setenv("PASSMAP_TIMEZONE", "America/Chicago")
    at = new_app()
    login(at, "admin")
    at.run()
    at.switch_page(page_path("admin_users")).run()
    # the last login in the district's zone (PASSMAP_TIMEZONE), never bare UTC
    table = at.dataframe[0].value.set_index("user")
    assert "last login (America/Chicago)" in table and not any("UTC" in c for c in table)
    login_utc = _store(tiny_db).get_user("demo-admin")["last_login_utc"]
    expected = local_time(login_utc, "America/Chicago")
    assert table.loc["demo-admin", "last login (America/Chicago)"] == expected
    assert expected.endswith((" CST", " CDT")) and expected != local_time(login_utc, "UTC")
    form = at.form[0]
    form.text_input[0].input("officer.k")
    form.text_input[2].input("a-long-enough-password")
    form.button[0].click().run()
    assert any("Account officer.k added" in s.value for s in at.success)
    assert auth.authenticate(_store(tiny_db), "officer.k", "a-long-enough-password", "t").ok


def test_admin_creates_a_share_link_shown_once(app, tiny_db, monkeypatch):
    monkeypatch.setenv("PASSMAP_BASE_URL", "http://localhost:8501")
    monkeypatch.setenv("PASSMAP_TIMEZONE", "Asia/Tokyo")
    at = new_app()
    login(at, "admin")
    at.run()
    at.switch_page(page_path("share_admin")).run()
    form = at.form[0]
    form.text_input[0].input("Fire District 3")
    form.multiselect[0].select("c1")
    form.button[0].click().run()
    link = at.code[0].value
    assert link.startswith("http://localhost:8501/share/")
    links = _store(tiny_db).list_share_links()
    assert links[0]["agency"] == "Fire District 3" and "cameras" not in links[0]["layers"]
    # expiry, revocation and last use in the district's zone (PASSMAP_TIMEZONE), never bare UTC
    table = at.dataframe[0].value
    assert {"expires (Asia/Tokyo)", "revoked (Asia/Tokyo)", "last use (Asia/Tokyo)"} <= set(table)
    assert not any("UTC" in c for c in table)
    expires = table.set_index("id").loc[links[0]["id"], "expires (Asia/Tokyo)"]
    assert expires == local_time(links[0]["expires_utc"], "Asia/Tokyo") and expires.endswith("JST")


def test_an_expired_session_goes_back_to_the_login_form(app):
    at = new_app()
    login(at, "viewer")
    at.run()
    sess = at.session_state[SESSION_KEY]
    sess.last_seen_utc -= auth.SESSION_IDLE + timedelta(seconds=5)
    at.session_state[SESSION_KEY] = sess
    at.run()
    assert [t.value for t in at.title] == ["PassMap: sign in"]
    assert any("session expired" in i.value for i in at.info)


def test_first_start_asks_for_the_console_setup_token_never_shows_a_password(tmp_db, monkeypatch):
    monkeypatch.setenv("PASSMAP_DB", str(tmp_db))
    at = new_app()
    at.run()
    assert not at.code  # no password is ever shown in a browser
    assert "setup token" in at.warning[0].value
    form = at.form[0]
    form.text_input[0].input("not-the-token")
    form.text_input[1].input("root")
    form.text_input[2].input("a long enough passphrase")
    form.button[0].click().run()
    assert [e.value for e in at.error] == [
        "That setup token is not right; it is printed in the server's console."
    ]
    assert _store(tmp_db).count_users() == 0
    form = at.form[0]
    form.text_input[0].input(auth.setup_token(_store(tmp_db)))
    form.text_input[1].input("root")
    form.text_input[2].input("a long enough passphrase")
    form.button[0].click().run()
    assert "Signed in: root (admin)" in [c.value for c in at.sidebar.caption]
    assert _store(tmp_db).get_user("root")["role"] == "admin"


def test_admin_resets_a_password_shown_once(app, tiny_db):
    at = new_app()
    login(at, "admin")
    at.run()
    at.switch_page(page_path("admin_users")).run()
    at.selectbox(key="admin_users_pick").select("demo-viewer")
    at.button(key="admin_users_reset").click().run()
    new = at.code[0].value
    assert auth.authenticate(_store(tiny_db), "demo-viewer", new).ok
    assert not auth.authenticate(_store(tiny_db), "demo-viewer", auth.DEMO_PASSWORD).ok
