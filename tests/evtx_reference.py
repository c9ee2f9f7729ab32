#!/usr/bin/env python3
"""The events Mizuchi must keep from a Windows .evtx file, read by an
independent parser (python-evtx) and mapped from Microsoft's documentation
of each event id, written without looking at Mizuchi's code.

Prints one JSON object per kept event, sorted by record id, with the fields
the importer must give it. Chunks whose header is damaged are skipped and
counted on stderr, as python-evtx finds them.

    usage: evtx_reference.py FILE.evtx
           evtx_reference.py --chunks FILE.evtx

With `--chunks`, prints one JSON object per chunk instead: its index, byte
offset, whether its header and record-data CRC32s match (computed here with
zlib from the format's documentation), and how many records python-evtx
walks in it.
"""
import calendar
import json
import struct
import sys
import zlib
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import Evtx.Evtx as evtx

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
AUDITING = "microsoft-windows-security-auditing"
EVENTLOG = "microsoft-windows-eventlog"

# Security-auditing events a rule uses, by id.
AUDIT_KINDS = {
    4624: "logon-success",
    4625: "logon-failure",
    4771: "logon-failure",  # Kerberos pre-authentication failed
    4768: "logon-failure",  # Kerberos TGT requested: a failure only with a non-zero code
    4776: "logon-failure",  # NTLM credential validation: a failure only with a non-zero status
    4648: "explicit-credentials",
    4740: "lockout",
    4767: "unlock",
    4720: "account-created",
    4722: "account-enabled",
    4723: "password-change",
    4724: "password-reset",
    4725: "account-disabled",
    4726: "account-deleted",
    4738: "account-changed",
    4781: "account-changed",  # the account was renamed
    4728: "group-member-added",
    4732: "group-member-added",
    4756: "group-member-added",
    4729: "group-member-removed",
    4733: "group-member-removed",
    4757: "group-member-removed",
}
GROUP_KINDS = {"group-member-added", "group-member-removed"}
MANAGEMENT_KINDS = GROUP_KINDS | {
    "explicit-credentials", "lockout", "unlock", "account-created", "account-enabled",
    "password-change", "password-reset", "account-disabled", "account-deleted", "account-changed",
}


def present(v):
    """Windows writes `-` for nothing."""
    if v is None:
        return None
    v = v.strip()
    return None if v in ("", "-") else v


def number(v):
    v = present(v)
    if v is None:
        return None
    return int(v, 16) if v.lower().startswith("0x") else int(v)


def fields(event):
    """Every named value of EventData, and of UserData one level down."""
    out = {}
    for data in event.iter(NS + "Data"):
        name = data.get("Name")
        if name:
            out[name] = data.text or ""
    user = event.find(NS + "UserData")
    if user is not None:
        for child in user:
            for leaf in child:
                out[leaf.tag.split("}")[-1]] = leaf.text or ""
    return out


def utc(system_time):
    """SystemTime as microseconds since 1970, UTC, in integers (a float
    would round the last digit)."""
    t = system_time.replace("Z", "").replace("T", " ")
    for suffix in ("+00:00", "+0000"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    head, _, frac = t.partition(".")
    dt = datetime.strptime(head, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    return calendar.timegm(dt.timetuple()) * 1_000_000 + int((frac + "000000")[:6])


def kept(xml):
    event = ET.fromstring(xml)
    system = event.find(NS + "System")
    eid = int(system.find(NS + "EventID").text)
    provider = (system.find(NS + "Provider").get("Name") or "").lower()
    channel = (system.findtext(NS + "Channel") or "").lower()
    d = fields(event)
    kind = None
    if provider == AUDITING and channel == "security" and eid in AUDIT_KINDS:
        kind = AUDIT_KINDS[eid]
        if eid in (4768, 4776) and not number(d.get("Status")):
            kind = None
    elif provider == EVENTLOG and channel == "security" and eid == 1102:
        kind = "log-cleared"
    elif provider == EVENTLOG and channel == "security" and eid == 1100:
        kind = "logging-stopped"
    elif provider == EVENTLOG and channel == "system" and eid == 104:
        kind = "log-cleared"
    if kind is None:
        return None
    subject = present(d.get("SubjectUserName"))
    if kind in ("log-cleared", "logging-stopped"):
        account, actor, group = subject or "", subject, None
    elif kind in GROUP_KINDS:
        member = present(d.get("MemberName"))
        name = None
        if member and member.upper().startswith("CN="):
            name = member.split(",")[0][3:]
        account = name or present(d.get("MemberSid")) or ""
        actor, group = subject, present(d.get("TargetUserName"))
    else:
        account = present(d.get("TargetUserName")) or present(d.get("NewTargetUserName")) or ""
        actor = subject if kind in MANAGEMENT_KINDS else None
        group = None
    if eid == 4740:
        source = present(d.get("CallerComputerName"))
    elif eid == 4776:
        source = present(d.get("Workstation"))
    else:
        source = present(d.get("IpAddress")) or present(d.get("WorkstationName"))
    if source and source.startswith("::ffff:") and "." in source:
        source = source[len("::ffff:"):]
    status = number(d.get("Status")) if eid in (4625, 4771, 4768, 4776) else None
    return {
        "record_id": int(system.findtext(NS + "EventRecordID")),
        "event_id": eid,
        "kind": kind,
        # python-evtx renders SystemTime through a float: microseconds off.
        "time_us": utc(system.find(NS + "TimeCreated").get("SystemTime")),
        "system": system.findtext(NS + "Computer") or "",
        "account": account,
        "source": source,
        "logon_type": number(d.get("LogonType")),
        "status": status,
        "sub_status": number(d.get("SubStatus")),
        "actor": actor,
        "group": group,
    }


def chunks(path):
    data = open(path, "rb").read()
    with evtx.Evtx(path) as log:
        for i, chunk in enumerate(log.chunks()):
            offset = 4096 + i * 65536
            raw = data[offset : offset + 65536]
            if not raw.strip(b"\0"):
                continue
            free = struct.unpack("<I", raw[0x30:0x34])[0]
            header_ok = struct.unpack("<I", raw[0x7C:0x80])[0] == zlib.crc32(raw[:0x78] + raw[0x80:0x200])
            data_ok = struct.unpack("<I", raw[0x34:0x38])[0] == zlib.crc32(raw[0x200:free])
            try:
                records = len(list(chunk.records())) if chunk.check_magic() else 0
            except Exception:
                records = None
            print(json.dumps({"index": i, "offset": offset, "magic": chunk.check_magic(),
                              "header_crc_ok": header_ok, "data_crc_ok": data_ok,
                              "records": records}))


def main():
    if sys.argv[1] == "--chunks":
        chunks(sys.argv[2])
        return
    out = []
    damaged = 0
    with evtx.Evtx(sys.argv[1]) as log:
        for chunk in log.chunks():
            if not chunk.check_magic():
                continue
            try:
                records = list(chunk.records())
            except Exception:  # a chunk python-evtx cannot walk
                damaged += 1
                continue
            for record in records:
                e = kept(record.xml())
                if e is not None:
                    out.append(e)
    out.sort(key=lambda e: e["record_id"])
    for e in out:
        print(json.dumps(e, ensure_ascii=False, sort_keys=True))
    print(f"{len(out)} kept, {damaged} chunks not walked", file=sys.stderr)


if __name__ == "__main__":
    main()
