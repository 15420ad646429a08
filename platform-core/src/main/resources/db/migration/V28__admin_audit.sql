-- The audit trail: every change made through the admin API (any method but GET, HEAD, OPTIONS under /api/), by whom,
-- to what, and how it was answered. Never request bodies (passwords, corrected events); path parameters that name a
-- person (customer, profile, user ids) only as a SHA-256 prefix. Rows are never changed.
CREATE TABLE admin_audit (
    id     BIGSERIAL    PRIMARY KEY,
    at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    actor  VARCHAR(200) NOT NULL,
    action VARCHAR(300) NOT NULL,
    target JSONB        NOT NULL,
    status INT          NOT NULL
);
CREATE INDEX admin_audit_actor ON admin_audit (actor, id);

CREATE FUNCTION footfall_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END $$;
CREATE TRIGGER admin_audit_append_only BEFORE UPDATE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION footfall_audit_is_append_only();
