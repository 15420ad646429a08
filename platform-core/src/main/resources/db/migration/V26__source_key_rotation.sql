-- Write-key rotation: a rotated source keeps its previous key working until previous_key_until, so a storefront can
-- roll out the new key without losing events; a source can also be disabled (its keys refused) and renamed.
ALTER TABLE source
    ADD COLUMN previous_key_hash  VARCHAR(64),
    ADD COLUMN previous_key_until TIMESTAMPTZ,
    ADD COLUMN key_rotated_at     TIMESTAMPTZ;
CREATE UNIQUE INDEX source_previous_key ON source (previous_key_hash) WHERE previous_key_hash IS NOT NULL;

-- Every key rotated out, so that FOOTFALL_BOOTSTRAP_WRITE_KEY left in an environment never brings one back.
CREATE TABLE retired_write_key (
    key_hash   VARCHAR(64)  PRIMARY KEY,
    source_id  VARCHAR(64)  NOT NULL,
    retired_at TIMESTAMPTZ  NOT NULL
);
