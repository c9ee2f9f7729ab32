# MLIT-ORD-03 in Rego, for comparison with the official rule (bench only).
#
# For each control-system asset: its OS looked up in the lifecycle table
# (data.lifecycle, exported from the pack's own table); supported → pass;
# ended → paid extended support with a contract, else the alternative measure
# (truly closed networks and media ports disabled technically or physically,
# or a measure approved by the cybersecurity officer). `outcome` maps asset id
# to pass, pass-alternative, fail or insufficient-evidence.
package mlit.ord03

as_of := input.as_of

releases := data.lifecycle.releases

aliases := data.lifecycle.aliases

systems := {s.id: s | some s in object.get(input.inventory, "systems", [])}

in_scope(a) if a.control_system == true

in_scope(a) if systems[a.system].control_system == true

outcome[a.id] := judge(a) if {
	some a in input.inventory.assets
	in_scope(a)
}

# --- the lifecycle lookup -------------------------------------------------

normalise(s) := concat(" ", [w |
	some w in split(replace(replace(lower(s), "（", " "), "）", " "), " ")
	w != ""
	not w in {"microsoft", "(r)", "®"}
])

known(p) if {
	some r in releases
	r.product == p
}

known(p) if {
	some r in releases
	startswith(p, concat("", [r.product, " "]))
}

exact(p) if {
	some r in releases
	r.product == p
}

alias_hit(p, alias) if p == alias

alias_hit(p, alias) if startswith(p, concat("", [alias, " "]))

canonical(p) := p if known(p)

else := concat("", [hit[1], substring(p, count(hit[0]), -1)]) if {
	hits := [a | some a in aliases; alias_hit(p, a[0])]
	hit := hits[0]
}

else := p

version(os) := normalise(os.version) if is_string(object.get(os, "version", null))

else := null

product_version(os) := [p, version(os)] if {
	p := canonical(normalise(os.product))
	exact(p)
} else := [head, parts[n - 1]] if {
	p := canonical(normalise(os.product))
	version(os) == null
	parts := split(p, " ")
	n := count(parts)
	n > 1
	head := concat(" ", array.slice(parts, 0, n - 1))
	exact(head)
} else := [canonical(normalise(os.product)), version(os)]

version_ok(r, v) if v == null

version_ok(r, v) if r.version == null

version_ok(r, v) if {
	v != null
	r.version != null
	version_matches(r.version, v)
}

version_matches(rv, v) if v == rv

version_matches(rv, v) if startswith(v, concat("", [rv, "."]))

version_matches(rv, v) if replace(v, " ", "") == replace(rv, " ", "")

build_ok(r, b) if b == null

build_ok(r, b) if r.build == null

build_ok(r, b) if {
	b != null
	r.build != null
	want := split(r.build, ".")
	have := split(replace(b, " ", "."), ".")
	some i in numbers.range(0, count(have) - count(want))
	array.slice(have, i, i + count(want)) == want
}

edition_ok(r, e) if e == null

edition_ok(r, e) if {
	e != null
	count(r.editions) == 0
	ed := trim_space(trim_prefix(e, r.product))
	not contains(ed, "ltsc")
	not contains(ed, "ltsb")
}

edition_ok(r, e) if {
	e != null
	count(r.editions) > 0
	trim_space(trim_prefix(e, r.product)) in r.editions
}

optional(os, field) := normalise(os[field]) if is_string(object.get(os, field, null))

else := null

candidates(os) := [r |
	pv := product_version(os)
	some r in releases
	r.product == pv[0]
	version_ok(r, pv[1])
	build_ok(r, optional(os, "build"))
	edition_ok(r, optional(os, "edition"))
]

lookup(os) := {"kind": "unknown"} if count(candidates(os)) == 0

else := {"kind": "known", "release": c[0]} if {
	c := candidates(os)
	every r in c {
		r.ends == c[0].ends
		r.extended == c[0].extended
	}
}

else := {"kind": "ambiguous"}

# --- the judgement ---------------------------------------------------------

judge(a) := "insufficient-evidence" if object.get(a, "os", null) == null

else := "insufficient-evidence" if lookup(a.os).kind != "known"

else := "pass" if lookup(a.os).release.ends >= as_of

else := extended(a, lookup(a.os).release) if extended(a, lookup(a.os).release)

else := alternative(a)

contract(id) := c if {
	some c in object.get(object.get(input, "contracts", {}), "contracts", [])
	c.id == id
}

current(c) if {
	c.starts_on <= as_of
	object.get(c, "ends_on", null) == null
}

current(c) if {
	c.starts_on <= as_of
	e := object.get(c, "ends_on", null)
	e != null
	as_of <= e
}

covered(c, a) if {
	current(c)
	a.id in object.get(c, "assets", [])
}

covered(c, a) if {
	current(c)
	"extended-support" in object.get(c, "scope", [])
}

extended(a, r) := "pass" if {
	es := a.extended_support
	r.extended != null
	covered(contract(es.contract), a)
	as_of <= es.ends_on
	as_of <= r.extended
} else := "fail" if {
	es := a.extended_support
	r.extended != null
	contract(es.contract)
}

alternative(a) := "pass-alternative" if {
	separation(a) == "yes"
	media(a) == "yes"
} else := "pass-alternative" if approved(a) == "yes"

else := "fail" if {
	"no" in {separation(a), media(a)}
	approved(a) == "no"
}

else := "insufficient-evidence"

# Separation: no internet-facing service, and every network truly closed.
separation(a) := "no" if {
	some s in object.get(a, "exposed_services", [])
	s.exposure == "internet"
} else := "unknown" if {
	object.get(a, "networks", null) == null
} else := "yes" if {
	count(a.networks) == 0
} else := "unknown" if {
	object.get(input, "networks", null) == null
} else := first_open(a.networks)

first_open(ids) := s if {
	states := [r | some id in ids; r := reach(id); r != "closed"]
	s := {"open": "no", "unknown": "unknown"}[states[0]]
} else := "yes"

net_ids := {n.id | some n in input.networks.networks}

links := object.get(input.networks, "links", [])

adjacency[n] := ({m | some l in links; l.a == n; m := l.b; m in net_ids} | {m | some l in links; l.b == n; m := l.a; m in net_ids}) if {
	some n in net_ids
}

reach(id) := "unknown" if not id in net_ids

else := "open" if {
	reached := graph.reachable(adjacency, {id})
	some n in input.networks.networks
	n.id in reached
	n.kind == "internet"
} else := "open" if {
	reached := graph.reachable(adjacency, {id})
	some l in links
	l.medium == "internet-vpn"
	{l.a, l.b} & reached != set()
} else := "closed"

media(a) := "unknown" if object.get(a, "removable_media", null) == null

else := "yes" if {
	a.removable_media.control == "blocked"
	a.removable_media.enforcement in {"technical", "physical"}
} else := "no"

approved(a) := "yes" if {
	some m in object.get(a, "alternative_measures", [])
	by := object.get(m, "approved_by", null)
	on := object.get(m, "approved_on", null)
	by != null
	on != null
	object.get(input, "governance", null) != null
	some p in input.governance.appointments
	p.role == "cybersecurity-officer"
	p.person == by
	p.appointed_on <= on
	object.get(p, "until", null) == null
} else := "yes" if {
	some m in object.get(a, "alternative_measures", [])
	by := object.get(m, "approved_by", null)
	on := object.get(m, "approved_on", null)
	by != null
	on != null
	object.get(input, "governance", null) != null
	some p in input.governance.appointments
	p.role == "cybersecurity-officer"
	p.person == by
	p.appointed_on <= on
	u := object.get(p, "until", null)
	u != null
	on <= u
} else := "unknown" if {
	some m in object.get(a, "alternative_measures", [])
	object.get(m, "approved_by", null) != null
	object.get(m, "approved_on", null) != null
	object.get(input, "governance", null) == null
} else := "no"
