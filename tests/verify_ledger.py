#!/usr/bin/env python3
"""An independent verifier of Mizuchi ledgers, written from docs/ledger.md alone.

Usage: verify_ledger.py LEDGER --trust PUBKEY.pem [--trust ...] [--checkpoint FILE ...]

Checks every entry (index, prev chain, DSSE signature by a trusted key, statement
type, run structure), the RFC 6962 Merkle root, and the signed checkpoints
(the ledger's own LEDGER.checkpoint and any given). Signed JSON is read strictly:
a duplicate member or a number that is not an exact integer is a bad entry.
Prints "verified ..." and exits 0, prints the first problem and exits 1, or
exits 2 when the ledger or its checkpoint does not exist.
"""

import argparse
import base64
import hashlib
import json
import re
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


def error(message):
    print("error: " + message, file=sys.stderr)
    sys.exit(2)


MAX_EXACT = 2**53 - 1


def no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate member {key!r}")
        seen[key] = value
    return seen


def exact_int(text):
    value = int(text)
    if abs(value) > MAX_EXACT:
        raise ValueError(f"the integer {text} is outside 2^53 - 1")
    return value


def no_float(text):
    raise ValueError(f"the number {text} is not an integer")


def strict_json(data, what):
    """JSON as docs/ledger.md requires of signed bytes: UTF-8, no duplicate
    member, integers only, each within 2^53 - 1."""
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=no_duplicates,
            parse_int=exact_int,
            parse_float=no_float,
            parse_constant=no_float,
        )
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"{what} is not strict JSON: {e}")


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        error(f"{path} does not exist")


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


def parse_checkpoint(data, path):
    if b"\r" in data:
        fail(f"{path} has a carriage return; a checkpoint's lines end with LF alone")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8")
    body, sep, sigs = text.partition("\n\n")
    if not sep or not sigs.endswith("\n"):
        fail(f"{path}: a checkpoint is a body, a blank line and signature lines, each ending with LF")
    body += "\n"
    lines = body.split("\n")
    if len(lines) < 4 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        fail(f"{path}: the body is not an origin, a tree size and a root")
    origin, size, root_b64 = lines[0], int(lines[1]), lines[2]
    try:
        root_bytes = b64(root_b64)
    except ValueError:
        fail(f"{path}: the root is not base64")
    if len(root_bytes) != 32:
        fail(f"{path}: the root is not 32 bytes")
    signatures = []
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 ") or line.count(" ") != 2:
            fail(f"{path}: not a signature line: {line!r}")
        name, blob = line[2:].split(" ", 1)
        try:
            blob = b64(blob)
        except ValueError:
            fail(f"{path}: a signature is not base64")
        if len(blob) != 68:
            fail(f"{path}: a signature is not a key hash and an Ed25519 signature")
        signatures.append((name, blob[:4], blob[4:]))
    return {"origin": origin, "size": size, "root": root_bytes, "body": body.encode(), "signatures": signatures}


def checkpoint_signer(cp, keys):
    for name, khash, sig in cp["signatures"]:
        for key in keys:
            if key_name(key) == name and key_hash(name, key) == khash and verifies(key, cp["body"], sig):
                return key
    return None


def check_reused(i, header, hashes, statements):
    """The rules a run header at line i reuses, each reference checked:
    an earlier line with that hash, a result of that rule with the header's
    as_of and host and one of its packs, at increasing positions."""
    rules = set()
    places = header["results"] + len(header.get("reused", []))
    last = -1
    for r in header.get("reused", []):
        what = f"entry {i} reuses entry {r['index']} for {r['rule']!r}"
        if type(r["index"]) is not int or not 0 <= r["index"] < i:
            fail(f"{what}: not an earlier entry")
        if type(r["position"]) is not int or not last < r["position"] < places:
            fail(f"{what}: position {r['position']} out of order or beyond {places}")
        last = r["position"]
        if hashes[r["index"]] != r["hash"]:
            fail(f"{what}: the line has another hash")
        then = statements[r["index"]]
        result = then["predicate"]
        if then["predicateType"] != RESULT or result["rule"]["id"] != r["rule"]:
            fail(f"{what}: not a result of that rule")
        if result["as_of"] != header["as_of"] or result["host"] != header["host"]:
            fail(f"{what}: evaluated on another date or by another host")
        if result["pack"]["digest"] not in [p["digest"] for p in header["packs"]]:
            fail(f"{what}: from a pack the run does not run")
        if r["rule"] in rules:
            fail(f"{what}: the rule is reused twice")
        rules.add(r["rule"])
    return rules


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ledger")
    ap.add_argument("--trust", action="append", required=True)
    ap.add_argument("--checkpoint", action="append", default=[])
    args = ap.parse_args()
    keys = [load_key(p) for p in args.trust]

    # The checkpoint first: a writer appends before it publishes.
    own = read_file(args.ledger + ".checkpoint")
    data = read_file(args.ledger)
    parts = data.split(b"\n")
    lines, torn = parts[:-1], parts[-1]

    prev = "0" * 64
    leaves = []
    run, owed, utility, run_start = None, 0, None, None
    # Every line's hash and statement, for the references of later runs.
    hashes, statements, reused = [], [], set()
    for i, line in enumerate(lines):
        leaves.append(leaf_hash(line))
        entry = strict_json(line, f"entry {i}")
        if not isinstance(entry, dict) or set(entry) != {"index", "prev", "envelope"}:
            fail(f"entry {i} does not have exactly index, prev and envelope")
        if type(entry["index"]) is not int or entry["index"] != i:
            fail(f"entry {i} has index {entry['index']!r}")
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
        statement = strict_json(body, f"the statement of entry {i}")
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
            run_start = i if owed else None
            reused = check_reused(i, predicate, hashes, statements)
        elif statement["predicateType"] == RESULT:
            if not owed or predicate["run"] != run:
                fail(f"entry {i} is a result outside its run")
            if predicate["rule"]["id"] in reused:
                fail(f"entry {i} is a result of a rule its run reuses")
            owed -= 1
            if not owed:
                run_start = None
        else:
            fail(f"entry {i} has predicate type {statement['predicateType']!r}")
        prev = hashlib.sha256(line).hexdigest()
        hashes.append(prev)
        statements.append(statement)
    origin = "mizuchi.results/" + "".join("_" if c.isspace() or c == "+" else c for c in (utility or ""))
    checkpoints = [(args.ledger + ".checkpoint", own)] + [(p, read_file(p)) for p in args.checkpoint]
    covered = 0
    for path, data in checkpoints:
        cp = parse_checkpoint(data, path)
        if checkpoint_signer(cp, keys) is None:
            fail(f"{path} has no valid signature by a trusted key")
        if utility is not None and cp["origin"] != origin:
            fail(f"{path} is for {cp['origin']!r}, not {origin!r}")
        if cp["size"] > len(leaves):
            fail(f"{path} covers {cp['size']} entries but the ledger holds {len(leaves)}: truncated")
        if root(leaves[: cp["size"]]) != cp["root"]:
            fail(f"{path} does not match the first {cp['size']} entries: forked")
        covered = max(covered, cp["size"])
    # What follows the acknowledged entries is a run being written, or one an
    # interrupted write left: pending, not verified, not a failure.
    if owed and run_start is not None and run_start < covered:
        fail(f"run {run} ends {owed} results short inside the acknowledged entries")
    pending = []
    if covered < len(leaves):
        pending.append(f"entries {covered}..{len(leaves) - 1} follow the last checkpoint")
    if owed:
        pending.append(f"run {run} still lacks {owed} results")
    if torn:
        pending.append(f"{len(torn)} bytes follow the last complete line")
    if pending:
        print("not yet acknowledged: " + "; ".join(pending))
    print(f"verified {len(leaves)} entries, root {root(leaves).hex()}")


if __name__ == "__main__":
    main()
