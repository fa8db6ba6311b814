#!/usr/bin/python3
"""A third-party XMPP client (Debian's python3-slixmpp) for XmppClientIT: starts TLS (trusting only the
certificate given with --ca), logs in with SCRAM-SHA-256, sends the messages given with --send, prints every message it receives as
'MESSAGE <from> <body>' (and 'DELAY' when it carries a XEP-0203 delay), and leaves after --seconds
or once it has received --expect messages (with --carbons: carbon copies of what its account sent elsewhere, printed
as 'CARBON-SENT <from> <to> <body>'). Exits 2 when the login fails."""
import argparse
import asyncio
import logging
import sys

import slixmpp


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, sends, expect, seconds, carbons=False):
        super().__init__(jid, password)
        self.carbons = carbons
        if carbons:
            self.register_plugin("xep_0280")
            self.add_event_handler("carbon_sent", self.carbon_sent)
        self.sends = sends
        self.expect = expect
        self.seconds = seconds
        self.received = 0
        self.failed = False
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.message)
        self.add_event_handler("failed_auth", self.auth_failed)

    async def start(self, event):
        self.send_presence()
        if self.carbons:
            await self["xep_0280"].enable()
        print("SESSION", self.boundjid.full, flush=True)
        for target, body in self.sends:
            self.send_message(mto=target, mbody=body, mtype="chat")
            print("SENT", target, body, flush=True)
        self.loop.call_later(self.seconds, self.leave)

    def message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            delayed = " DELAY" if msg.xml.find("{urn:xmpp:delay}delay") is not None else ""
            print("MESSAGE", msg["from"], msg["body"] + delayed, flush=True)
            self.received += 1
            if self.expect and self.received >= self.expect:
                self.loop.call_later(0.5, self.leave)

    def carbon_sent(self, msg):
        inner = msg["carbon_sent"]
        print("CARBON-SENT", inner["from"], inner["to"], inner["body"], flush=True)
        self.received += 1
        if self.expect and self.received >= self.expect:
            self.loop.call_later(0.5, self.leave)

    def auth_failed(self, event):
        print("AUTH-FAILED", flush=True)
        self.failed = True
        self.disconnect()

    def leave(self):
        self.disconnect()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jid", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--port", type=int, default=5222)
    p.add_argument("--send", nargs=2, action="append", default=[], metavar=("TO", "BODY"))
    p.add_argument("--expect", type=int, default=0)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--ca", required=True, help="the server's certificate (PEM): the only one trusted")
    p.add_argument("--carbons", action="store_true", help="enable XEP-0280 carbons; print each sent copy as CARBON-SENT")
    a = p.parse_args()
    logging.basicConfig(level=logging.DEBUG if __import__("os").environ.get("XDEBUG") else logging.ERROR)
    c = Client(a.jid, a.password, a.send, a.expect, a.seconds, a.carbons)
    c.ca_certs = a.ca
    c.enable_direct_tls = False
    c.connect(("127.0.0.1", a.port), force_starttls=True, disable_starttls=False)
    c.loop.run_until_complete(c.disconnected)
    sys.exit(2 if c.failed else 0)


if __name__ == "__main__":
    main()
