"""The whole service as one WSGI app: SOAP paths exactly as before, the portal elsewhere,
one Runtime; and the web's secret key, the same for every worker and after a restart."""

from __future__ import annotations

import os
import stat
import threading

from werkzeug.test import Client

from helpdesk_soap.config import Config
from helpdesk_soap.web.secret import FILE_NAME, secret_key
from helpdesk_soap.wsgi_app import create_service


def test_soap_paths_stay_and_the_portal_answers_everywhere_else(database_url, tmp_path):
    service = create_service(Config(database_url=database_url, attachment_dir=str(tmp_path)))
    try:
        client = Client(service)
        for path in ("/helpdesk", "/staff", "/helpdesk/"):
            wsdl = client.get(f"{path}?wsdl")
            assert wsdl.status_code == 200 and b"definitions" in wsdl.data
        fault = client.get("/helpdesk")
        assert fault.status_code == 405 and b"Client.MethodNotAllowed" in fault.data
        home = client.get("/")
        assert home.status_code == 302 and home.headers["Location"].startswith("/login")
        css = client.get("/static/style.css")
        assert css.status_code == 200 and b".card" in css.data
        css.close()
        missing = client.get("/helpdeskx")
        assert missing.status_code == 404 and b"<!doctype html>" in missing.data
        assert service.gateway.endpoints["/helpdesk"].app.app.runtime is service.runtime
    finally:
        service.close()


def test_the_secret_key_is_made_once_kept_private_and_shared(tmp_path):
    keys = []
    threads = [threading.Thread(target=lambda: keys.append(secret_key(None, tmp_path)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / FILE_NAME).st_mode) == 0o600
    assert secret_key(None, tmp_path) == keys[0]  # after a restart
    assert secret_key("configured-key", tmp_path) == "configured-key"
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no temporary left
