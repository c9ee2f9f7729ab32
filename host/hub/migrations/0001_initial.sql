-- The hub's tables, in SQL that SQLite and PostgreSQL both read.
-- Texts hold what was verified exactly as it arrived (entry lines,
-- checkpoint notes, enrolment envelopes), so that anyone can verify the
-- stored records again without trusting the hub.

-- Enrolled utilities: each with the key its ledger is signed with, and the
-- regulator's signed enrolment that vouches for it.
CREATE TABLE utilities (
    id TEXT PRIMARY KEY,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    public_key TEXT NOT NULL,
    key_id TEXT NOT NULL,
    enrolment TEXT NOT NULL
);

-- Every accepted ledger entry, by utility and index. The primary key makes
-- a push that raced another fail as a whole, never interleave.
-- `leaf` is the line's RFC 6962 leaf hash and `line_hash` its SHA-256
-- (the next entry's `prev`): a push is checked against them without
-- reading the lines again.
CREATE TABLE entries (
    utility TEXT NOT NULL REFERENCES utilities (id),
    idx BIGINT NOT NULL,
    line TEXT NOT NULL,
    leaf TEXT NOT NULL,
    line_hash TEXT NOT NULL,
    PRIMARY KEY (utility, idx)
);

-- The checkpoints accepted, the last one the head a push continues.
CREATE TABLE checkpoints (
    utility TEXT NOT NULL REFERENCES utilities (id),
    size BIGINT NOT NULL,
    root TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (utility, size)
);

-- Runs and their results, read from the accepted entries for the views.
CREATE TABLE runs (
    utility TEXT NOT NULL REFERENCES utilities (id),
    run TEXT NOT NULL,
    idx BIGINT NOT NULL,
    as_of TEXT NOT NULL,
    packs TEXT NOT NULL,
    PRIMARY KEY (utility, run)
);

CREATE TABLE results (
    utility TEXT NOT NULL REFERENCES utilities (id),
    run TEXT NOT NULL,
    rule TEXT NOT NULL,
    force TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (utility, run, rule)
);

-- What the regulator must look at: a policy breach in a run, or a push
-- refused because the utility's ledger was rewritten, truncated or forked.
CREATE TABLE flags (
    utility TEXT NOT NULL REFERENCES utilities (id),
    seq BIGINT NOT NULL,
    run TEXT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (utility, seq)
);
