#!/usr/bin/env python3
"""An independent verifier of Mizuchi ledgers, written from docs/ledger.md alone.

Usage: verify_ledger.py LEDGER --trust PUBKEY.pem [--trust ...] [--checkpoint FILE ...]

Checks every entry (index, prev chain, DSSE signature by a trusted key, statement
type, run structure), the RFC 6962 Merkle root, and the signed checkpoints
(the ledger's own LEDGER.checkpoint and any given). Prints "verified ..." and
exits 0, or prints the first problem and exits 1.
"""

import argparse
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

STATEMENT = "https://in-toto.io/Statement/v1"
RUN = "https://mizuchi.dev/attestation/run/v1"
RESULT = "https://mizuchi.dev/attestation/rule-result/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def b64(text):
    return base64.b64decode(text, validate=True)


def load_key(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        key = serialization.load_pem_private_key(data, None).public_key()
    if not isinstance(key, Ed25519PublicKey):
        fail(f"{path} is not an Ed25519 key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"key": key, "raw": raw, "id": hashlib.sha256(raw).hexdigest()}


def pae(payload_type, body):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def verifies(key, message, signature):
    try:
        key["key"].verify(signature, message)
        return True
    except InvalidSignature:
        return False


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def key_name(key):
    return "mizuchi-" + key["id"][:16]


def key_hash(name, key):
    return hashlib.sha256(name.encode() + b"\n" + b"\x01" + key["raw"]).digest()[:4]


def parse_checkpoint(text):
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        fail("a checkpoint has no blank line before its signatures")
    body += "\n"
    lines = body.split("\n")
    origin, size, root_b64 = lines[0], int(lines[1]), lines[2]
    signatures = []
    for line in sigs.split("\n"):
        if not line:
            continue
        if not line.startswith("\u2014 "):
            fail(f"not a signature line: {line!r}")
        name, blob = line[2:].split(" ", 1)
        blob = b64(blob)
        signatures.append((name, blob[:4], blob[4:]))
    return {"origin": origin, "size": size, "root": b64(root_b64), "body": body.encode(), "signatures": signatures}


def checkpoint_signer(cp, keys):
    for name, khash, sig in cp["signatures"]:
        for key in keys:
            if key_name(key) == name and key_hash(name, key) == khash and verifies(key, cp["body"], sig):
                return key
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ledger")
    ap.add_argument("--trust", action="append", required=True)
    ap.add_argument("--checkpoint", action="append", default=[])
    args = ap.parse_args()
    keys = [load_key(p) for p in args.trust]

    with open(args.ledger, "rb") as f:
        data = f.read()
    parts = data.split(b"\n")
    lines, torn = parts[:-1], parts[-1]
    if torn:
        fail(f"a torn line of {len(torn)} bytes ends the ledger")

    prev = "0" * 64
    leaves = []
    run, owed, utility = None, 0, None
    for i, line in enumerate(lines):
        leaves.append(leaf_hash(line))
        try:
            entry = json.loads(line)
        except ValueError as e:
            fail(f"entry {i} is not JSON: {e}")
        if not isinstance(entry, dict) or set(entry) != {"index", "prev", "envelope"}:
            fail(f"entry {i} does not have exactly index, prev and envelope")
        if entry["index"] != i:
            fail(f"entry {i} has index {entry['index']}")
        if entry["prev"] != prev:
            fail(f"entry {i} does not chain to the entry before it")
        env = entry["envelope"]
        if env.get("payloadType") != PAYLOAD_TYPE:
            fail(f"entry {i} has payload type {env.get('payloadType')!r}")
        body = b64(env["payload"])
        message = pae(env["payloadType"], body)
        signed = any(
            key["id"] == s.get("keyid") and verifies(key, message, b64(s.get("sig", "")))
            for s in env.get("signatures", [])
            for key in keys
        )
        if not signed:
            fail(f"entry {i} has no valid signature by a trusted key")
        statement = json.loads(body)
        if statement.get("_type") != STATEMENT:
            fail(f"entry {i} is not an in-toto statement v1")
        predicate = statement["predicate"]
        if statement["predicateType"] == RUN:
            if owed:
                fail(f"entry {i} starts a run while run {run} lacks {owed} results")
            if utility is not None and predicate["evidence"]["utility_id"] != utility:
                fail(f"entry {i} records another utility")
            utility = predicate["evidence"]["utility_id"]
            run, owed = predicate["run"], predicate["results"]
        elif statement["predicateType"] == RESULT:
            if not owed or predicate["run"] != run:
                fail(f"entry {i} is a result outside its run")
            owed -= 1
        else:
            fail(f"entry {i} has predicate type {statement['predicateType']!r}")
        prev = hashlib.sha256(line).hexdigest()
    if owed:
        fail(f"run {run} ends {owed} results short")

    origin = "mizuchi.results/" + "".join("_" if c.isspace() or c == "+" else c for c in (utility or ""))
    paths = [args.ledger + ".checkpoint"] + args.checkpoint
    covered = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            cp = parse_checkpoint(f.read())
        if checkpoint_signer(cp, keys) is None:
            fail(f"{path} has no valid signature by a trusted key")
        if cp["origin"] != origin:
            fail(f"{path} is for {cp['origin']!r}, not {origin!r}")
        if cp["size"] > len(leaves):
            fail(f"{path} covers {cp['size']} entries but the ledger holds {len(leaves)}: truncated")
        if root(leaves[: cp["size"]]) != cp["root"]:
            fail(f"{path} does not match the first {cp['size']} entries: forked")
        covered = max(covered, cp["size"])
    if covered != len(leaves):
        fail(f"entries {covered}..{len(leaves) - 1} are covered by no checkpoint")
    print(f"verified {len(leaves)} entries, root {root(leaves).hex()}")


if __name__ == "__main__":
    main()
