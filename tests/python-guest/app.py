"""ACME-CS-01 in Python: the rule of `tests/guests/acme` (Rust), written
against the same WIT (`sdk/wit`) with componentize-py, reading evidence
through the language-neutral JSON view (`document-json`).

Build: componentize-py -d sdk/wit -w rule-module componentize app -o acme_py.wasm
A test builds it and checks that its findings equal the Rust rule's.
"""

import json

import wit_world
from wit_world.exports import Rules
from wit_world.imports import evidence, types
from componentize_py_types import Err

RULE = types.RuleInfo(
    id="ACME-CS-01",
    version="1.0.0",
    title=types.Text(
        ja="制御系資産がシステムに割り当てられている",
        en="Control-system assets are assigned to a system",
    ),
    section="ACME guidance 2.1",
    force=types.Force.RECOMMENDED,
    needs=[types.EvidenceNeed(section="inventory", format="^2.0")],
    params=[],
)


def finding(kind, id, status, ja, en, refs=()):
    return types.Finding(
        subject=types.Subject(kind=kind, id=id),
        status=status,
        message=types.Text(ja=ja, en=en),
        refs=[types.EvidenceRef(section=s, locator=l) for s, l in refs],
    )


def control_system(inventory, asset):
    """What the asset records, else what its system records; None when
    neither says (not recorded is never "no")."""
    if asset.get("control_system") is not None:
        return asset["control_system"]
    system = asset.get("system")
    for s in inventory.get("systems", []):
        if system is not None and s["id"] == system:
            return s.get("control_system")
    return None


class Rules(Rules):
    def list_rules(self):
        return [RULE]

    def evaluate(self, ctx):
        if ctx.rule_id != RULE.id:
            raise Err(f"this module has no rule {ctx.rule_id}")
        try:
            inventory = json.loads(evidence.document_json("inventory"))
        except Err as e:
            if isinstance(e.value, evidence.EvidenceError_Absent):
                return [finding("organisation", "utility", types.Status.INSUFFICIENT_EVIDENCE,
                                "資産台帳がありません", "there is no asset inventory")]
            raise Err(f"cannot read the inventory: {e.value}")
        out = []
        for a in inventory.get("assets", []):
            if control_system(inventory, a) is not True:
                continue
            ref = [("inventory", f"assets[id={a['id']}]")]
            system = a.get("system")
            if system is not None:
                out.append(finding("asset", a["id"], types.Status.PASS,
                                   f"{a['id']}はシステム{system}に属します",
                                   f"{a['id']} belongs to system {system}", ref))
            else:
                out.append(finding("asset", a["id"], types.Status.FAIL,
                                   f"{a['id']}はどのシステムにも割り当てられていません",
                                   f"{a['id']} is assigned to no system", ref))
        if not out:
            return [finding("organisation", "utility", types.Status.NOT_APPLICABLE,
                            "制御系資産がありません", "there is no control-system asset")]
        return out
