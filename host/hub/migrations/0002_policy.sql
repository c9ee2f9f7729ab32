-- The regulator's policy, as it signed it: the latest one is in force.
-- Without one, the policy the hub was started with applies.
CREATE TABLE policies (
    seq BIGINT PRIMARY KEY,
    policy TEXT NOT NULL,
    envelope TEXT NOT NULL
);
