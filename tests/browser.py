"""A small Chrome DevTools Protocol driver for headless Chromium (Debian's package).

Enough to log in to the real web client, wait for what a user would see, read it and take
screenshots. Fails loudly (never skips) when Chromium or websocket-client is missing.
"""

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time

import requests
import websocket

from .conftest import JXC_HOME, free_port

FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
    "--lang=zh-CN",
]
SCREENS = JXC_HOME / "log" / "screens"


class Browser:
    def __init__(self):
        exe = shutil.which("chromium")
        assert exe, "chromium is not installed (apt-get install chromium)"
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="jxc-chromium-")
        self.proc = subprocess.Popen(
            [
                exe,
                *FLAGS,
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._ids = itertools.count(1)
        self.ws = websocket.create_connection(self._page_ws_url(), suppress_origin=True, timeout=60)
        self.send("Page.enable")
        self.send("Runtime.enable")

    def _page_ws_url(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                targets = requests.get(f"http://127.0.0.1:{self.port}/json/list", timeout=2).json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("Chromium did not open its DevTools port")

    def send(self, method, **params):
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise AssertionError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def eval(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} raised {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def wait_for(self, condition, timeout=60):
        """Poll a JS expression until it is truthy; return its value."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                # a DOM node comes back as {} (falsy here): report it as true
                value = self.eval(
                    f"(() => {{ try {{ const v = {condition}; return v instanceof Node || v; }}"
                    " catch (e) { return null; } })()"
                )
            except (AssertionError, websocket.WebSocketException):
                value = None
            if value:
                return value
            time.sleep(0.25)
        self.screenshot("timeout")
        raise AssertionError(f"timed out after {timeout}s waiting for {condition}")

    def text(self, selector):
        return self.eval(
            f"Array.from(document.querySelectorAll({json.dumps(selector)}))"
            '.map(e => e.innerText).join("\\n")'
        )

    def click(self, selector):
        self.wait_for(f"document.querySelector({json.dumps(selector)})")
        self.eval(f"document.querySelector({json.dumps(selector)}).click()")

    def login(self, base_url, login, password):
        self.goto(f"{base_url}/web/login")
        self.eval(
            f"""(() => {{
            document.querySelector('input[name=login]').value = {json.dumps(login)};
            document.querySelector('input[name=password]').value = {json.dumps(password)};
            document.querySelector('form.oe_login_form').submit();
        }})()"""
        )
        self.wait_for("document.querySelector('.o_web_client .o_main_navbar')", timeout=120)

    def screenshot(self, name):
        SCREENS.mkdir(parents=True, exist_ok=True)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path = SCREENS / f"{name}.png"
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)
