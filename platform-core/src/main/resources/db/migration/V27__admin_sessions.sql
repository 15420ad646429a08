-- Sign-ins to the admin UI with local accounts. The encrypted session cookie (footfall-session) names the account;
-- this row, found by the SHA-256 of a second, random cookie (footfall-sid), says the sign-in has not ended. Signing
-- out, a password change and deleting the account delete rows, so a copied cookie stops working before it expires.
CREATE TABLE admin_session (
    id_hash      VARCHAR(64)  PRIMARY KEY,
    username     VARCHAR(100) NOT NULL REFERENCES account (username) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ  NOT NULL,
    last_seen_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX admin_session_username ON admin_session (username);
