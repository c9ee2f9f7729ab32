# MLIT-ACC-01 in Rego, for comparison with the official rule (bench only).
#
# A burst is `threshold` failed logons in a row for one account on one system
# (no success in between) within `window`. The catalog (second edition) asks
# for both a lockout and a notification: a burst not followed, before the
# window after its last failure closes, by a lockout of the account fails, and
# so does one followed by no alert about the account or its system. Returns
# the `account@system` subjects with a burst that lacks either.
#
# As in the rule, a burst goes on while failures keep coming within the
# window: a run is the failures of one account on one system with no success
# between and no gap longer than the window; its burst starts at its first
# `threshold` failures within the window and ends with the run, and the
# lockout and the alert may come anywhere from its start to a window after
# its end.
package mlit.acc01

threshold := 5

window := (10 * 60) * 1000000000

# Logon attempts by account and system, in time order.
attempts := sort([[e.system, e.account, time.parse_rfc3339_ns(e.time), e.kind] |
	some e in input.events
	e.kind in {"logon-failure", "logon-success"}
])

lockouts contains [lower(e.account), time.parse_rfc3339_ns(e.time)] if {
	some e in input.events
	e.kind == "lockout"
}

alerts_by_account contains [lower(e.account), time.parse_rfc3339_ns(e.time)] if {
	some e in input.events
	e.kind == "alert"
}

alerts_by_system contains [lower(e.system), time.parse_rfc3339_ns(e.time)] if {
	some e in input.events
	e.kind == "alert"
}

# Where `threshold` failures in a row, within the window, start.
qualifying contains i if {
	some i, a in attempts
	a[3] == "logon-failure"
	b := attempts[i + threshold - 1]
	b[0] == a[0]
	b[1] == a[1]
	b[2] - a[2] <= window
	every j in numbers.range(i, (i + threshold) - 1) {
		attempts[j][3] == "logon-failure"
	}
}

# The next attempt goes on with the run of failure `i`.
continues(i) if {
	a := attempts[i]
	b := attempts[i + 1]
	b[0] == a[0]
	b[1] == a[1]
	b[3] == "logon-failure"
	b[2] - a[2] <= window
}

# The last failures of runs, by account and system.
run_ends[key] contains i if {
	some i, a in attempts
	a[3] == "logon-failure"
	not continues(i)
	key := pair(a)
}

pair(a) := concat("\u0000", [a[0], a[1]])

# The last failure of the run that failure `i` is in.
run_end(i) := min({k |
	some k in run_ends[pair(attempts[i])]
	k >= i
})

# The qualifying starts of each run, by the run's last failure.
starts[e] contains i if {
	some i in qualifying
	e := run_end(i)
}

# Bursts: system, account, first failure's time, last failure's time.
bursts contains [a[0], a[1], a[2], attempts[e][2]] if {
	some e, s in starts
	a := attempts[min(s)]
}

locked(b) if {
	some h in lockouts
	h[0] == lower(b[1])
	h[1] >= b[2]
	h[1] <= b[3] + window
}

notified(b) if {
	some h in alerts_by_account
	h[0] == lower(b[1])
	h[1] >= b[2]
	h[1] <= b[3] + window
}

notified(b) if {
	some h in alerts_by_system
	h[0] == lower(b[0])
	h[1] >= b[2]
	h[1] <= b[3] + window
}

unhandled contains sprintf("%s@%s", [b[1], b[0]]) if {
	some b in bursts
	not locked(b)
}

unhandled contains sprintf("%s@%s", [b[1], b[0]]) if {
	some b in bursts
	not notified(b)
}
