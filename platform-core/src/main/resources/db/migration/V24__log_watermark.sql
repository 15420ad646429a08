-- The log's event time (plugin SPI 1.8, ADR 0021 step 7): at every position, the latest occurredAt of the behaviour
-- events up to it. A function of the log alone, so that every fold of it (batch sizes, one segment or several) sees the
-- same "now" at the same position.
--
-- The person keyer, which reads every event in log order, keeps it for processors on several segments (a segment does
-- not see the other segments' events): per keyer batch, the positions where it rises and its value from there, the
-- batch's first position always included.
ALTER TABLE person_key_batch
    ADD COLUMN watermark_positions BIGINT[],
    ADD COLUMN watermark_millis    BIGINT[];

-- Batches keyed before this version have no watermark: the keyer starts over (its token, map and batches go; processors
-- on several segments wait until it has keyed their positions again).
DELETE FROM person_key_batch;
DELETE FROM person_key;
DELETE FROM tokenentry WHERE processorname = 'person-keys';

ALTER TABLE person_key_batch
    ALTER COLUMN watermark_positions SET NOT NULL,
    ALTER COLUMN watermark_millis SET NOT NULL;

-- A plugin folded on one segment sees every event and keeps the watermark itself: where its fold has reached, written
-- in the transaction of its token. Cleared with the plugin's state (a replay from scratch).
CREATE TABLE plugin_watermark (
    plugin_id VARCHAR(64) PRIMARY KEY,
    millis    BIGINT      NOT NULL
);
