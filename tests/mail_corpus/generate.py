"""Writes the committed mail corpus (``*.eml``): run ``python tests/mail_corpus/generate.py``.

The messages are written byte for byte, the way real clients send them
(Outlook, Thunderbird, Apple Mail, Gmail, an MTA's bounce), not produced by
the ``email`` package that parses them, so the parser meets real shapes:
CRLF line ends, folded headers, quoted-printable and base64, 8-bit bodies,
wrong charsets. ``__CALL_ID__`` and ``__IN_REPLY_TO__`` are filled in by the
tests. The 30 MB message is made at test time (``oversized()``), not committed.
"""

from __future__ import annotations

import base64
from pathlib import Path

HERE = Path(__file__).resolve().parent

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


MESSAGES: dict[str, bytes] = {
    # Thunderbird, UTF-8 quoted-printable, from a colleague at a customer domain.
    "plain_utf8.eml": b"""\
Return-Path: <bob@acme.example>
Message-ID: <3f1c2a9e-1d2b-4c5e-9f00-000000000001@acme.example>
Date: Mon, 23 Nov 2026 08:15:02 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
From: Bob Berger <bob@acme.example>
To: helpdesk@installer.example
Subject: =?UTF-8?Q?Telefone_in_Abteilung_4_ausgefallen_=E2=80=93_dringend?=
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: quoted-printable

Guten Morgen,

seit 7:30 sind alle Telefone in Abteilung 4 tot. Die Melder zeigen =C3=
=BCberall =E2=80=9EKeine Verbindung=E2=80=9C.

Gr=C3=BC=C3=9Fe
Bob
""",
    # Gmail-style HTML only, base64.
    "html_only.eml": b"""\
Message-ID: <CAHtmlOnly0002@mail.gmail.example>
Date: Mon, 23 Nov 2026 09:01:44 +0100
From: Carol <carol@acme.example>
To: helpdesk@installer.example
Subject: Pager system shows error E42
MIME-Version: 1.0
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: base64

""" + b64("<html><head><style>p{color:red}</style><title>x</title></head><body>"
          "<div dir=\"ltr\"><p>Hello,</p><p>the pager system shows <b>error&nbsp;E42</b> "
          "on every handset.</p><ul><li>Building A</li><li>Building B</li></ul>"
          "<p>See <a href=\"https://status.acme.example/e42\">our status page</a>.</p>"
          "<script>alert('x')</script><p>Carol</p></div></body></html>".encode()),
    # Outlook: multipart/mixed with an alternative body, a PDF, an inline image and a program.
    "multipart_attachments.eml": b"""\
Message-ID: <AM0PR01MB0003@EUR01.prod.outlook.example>
Date: Mon, 23 Nov 2026 10:20:00 +0000
From: "Dave Dorn" <dave@acme.example>
To: "Helpdesk" <helpdesk@installer.example>
Subject: Logs from the PBX
MIME-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="_004_mixed_boundary_"

--_004_mixed_boundary_
Content-Type: multipart/alternative;
\tboundary="_000_alt_boundary_"

--_000_alt_boundary_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Hi, the PBX logs and a screenshot are attached.

--_000_alt_boundary_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Hi, the PBX logs and a screenshot are attached.</p></body></html>

--_000_alt_boundary_--

--_004_mixed_boundary_
Content-Type: application/pdf; name="pbx-log.pdf"
Content-Description: pbx-log.pdf
Content-Disposition: attachment; filename="pbx-log.pdf"; size=88
Content-Transfer-Encoding: base64

""" + b64(PDF) + b"""
--_004_mixed_boundary_
Content-Type: image/png; name="screen.png"
Content-Disposition: inline; filename="screen.png"
Content-ID: <image001.png@01DA0000.00000000>
Content-Transfer-Encoding: base64

""" + b64(PNG) + b"""
--_004_mixed_boundary_
Content-Type: application/x-msdownload; name="setup.exe"
Content-Disposition: attachment; filename="setup.exe"
Content-Transfer-Encoding: base64

""" + b64(b"MZ\x90\x00 not really a program") + b"""
--_004_mixed_boundary_--
""",
    # An old client: ISO-8859-1, quoted-printable, encoded-word subject.
    "latin1.eml": b"""\
Message-ID: <20261123.0004@mx.acme.example>
Date: Mon, 23 Nov 2026 11:00:00 +0100
From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@acme.example>
To: helpdesk@installer.example
Subject: =?ISO-8859-1?Q?St=F6rung_T=FCrsprechanlage?=
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Die T=FCrsprechanlage im Geb=E4ude C funktioniert nicht. Gr=FC=DFe, J=FCrgen
""",
    # Outlook on Windows: 8-bit Windows-1252 (euro sign, typographic quotes).
    "windows1252.eml": b"""\
Message-ID: <0005.win1252@acme.example>
Date: Mon, 23 Nov 2026 11:30:00 +0100
From: Eve <eve@acme.example>
To: helpdesk@installer.example
Subject: Invoice question
MIME-Version: 1.0
Content-Type: text/plain; charset="windows-1252"
Content-Transfer-Encoding: 8bit

The repair cost 120 \x80 \x96 is that \x84right\x93? \x85 Eve
""",
    # A broken mailer: declares UTF-8 but sends Windows-1252 bytes; unknown charset in a second part.
    "wrong_charset.eml": b"""\
Message-ID: <0006.wrongcharset@acme.example>
Date: Mon, 23 Nov 2026 12:00:00 +0100
From: Frank <frank@acme.example>
To: helpdesk@installer.example
Subject: Kaffeemaschine =?x-unknown?Q?kaputt?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b6"

--b6
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Gr\xfc\xdfe aus M\xfcnchen, die Anlage \x84spinnt\x93.
--b6
Content-Type: text/plain; charset="x-no-such-charset"
Content-Transfer-Encoding: 8bit

Zweiter Teil: \xc3\xa4\xc3\xb6\xc3\xbc
--b6--
""",
    # A reply by call tag; the quoted history below the attribution is trimmed.
    "reply_tag.eml": b"""\
Message-ID: <0007.replytag@acme.example>
Date: Mon, 23 Nov 2026 13:00:00 +0100
From: Bob Berger <bob@acme.example>
To: helpdesk@installer.example
Subject: Re: [Call #__CALL_ID__] Telefone in Abteilung 4 ausgefallen
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Jetzt gehen sie wieder, danke!

Am 23.11.2026 um 12:40 schrieb Helpdesk:
> Wir haben die Baugruppe getauscht.
> Bitte pr\xc3\xbcfen Sie.
""",
    # A reply found by In-Reply-To only (the subject lost its tag), Outlook-style history.
    "reply_in_reply_to.eml": b"""\
Message-ID: <0008.inreplyto@acme.example>
In-Reply-To: __IN_REPLY_TO__
References: <unrelated@elsewhere.example> __IN_REPLY_TO__
Date: Mon, 23 Nov 2026 14:00:00 +0100
From: Bob Berger <bob@acme.example>
To: helpdesk@installer.example
Subject: AW: Your call
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

The solution works for us.

-----Original Message-----
From: Helpdesk <helpdesk@installer.example>
Sent: Monday, 23 November 2026 13:50
Subject: [Call 1] Telefone

A solution is proposed.
""",
    # Exchange out-of-office: must never open a call (nor be answered).
    "auto_reply.eml": b"""\
Message-ID: <0009.ooo@acme.example>
Date: Mon, 23 Nov 2026 15:00:00 +0100
From: Bob Berger <bob@acme.example>
To: helpdesk@installer.example
Subject: Automatic reply: [Call #1] Telefone
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I am out of the office until Monday.
""",
    # A bounce: null sender, multipart/report from the mailer daemon.
    "bounce.eml": b"""\
Return-Path: <>
Message-ID: <0010.bounce@mx.acme.example>
Date: Mon, 23 Nov 2026 15:10:00 +0100
From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>
To: helpdesk@installer.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="bnc"

--bnc
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.acme.example. The message could not be delivered.
--bnc
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.example
Final-Recipient: rfc822; nobody@acme.example
Action: failed
Status: 5.1.1
--bnc--
""",
    # A mailing list digest.
    "mailing_list.eml": b"""\
Message-ID: <0011.list@lists.example>
Date: Mon, 23 Nov 2026 16:00:00 +0100
From: Newsletter <news@acme.example>
To: helpdesk@installer.example
Subject: Our November newsletter
Precedence: bulk
List-Id: <news.acme.example>
List-Unsubscribe: <mailto:leave@lists.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

News of the month.
""",
    # Someone the helpdesk does not know.
    "unknown_sender.eml": b"""\
Message-ID: <0012.stranger@unknown.example>
Date: Mon, 23 Nov 2026 17:00:00 +0100
From: Stranger <someone@unknown.example>
To: helpdesk@installer.example
Subject: Please call me back
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Our phone system is broken; we are not a customer yet.
""",
    # No From at all: cannot be attributed to anyone.
    "malformed_no_from.eml": b"""\
Message-ID: <0013.nofrom@broken.example>
Subject: who am I
Content-Type: text/plain

a message without a sender
""",
}


def oversized(size: int = 30 * 1024 * 1024) -> bytes:
    """A 30 MB message (a large attachment), made at test time rather than committed."""
    head = (b"Message-ID: <0014.huge@acme.example>\r\nFrom: Bob <bob@acme.example>\r\n"
            b"Subject: Huge video of the fault\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"h\"\r\n\r\n--h\r\n"
            b"Content-Type: text/plain\r\n\r\nSee the video.\r\n--h\r\n"
            b"Content-Type: video/mp4; name=\"fault.mp4\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    line = b"A" * 76 + b"\r\n"
    body = line * ((size - len(head)) // len(line) + 1)
    return head + body + b"--h--\r\n"


def main() -> None:
    for name, data in MESSAGES.items():
        (HERE / name).write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


if __name__ == "__main__":
    main()
