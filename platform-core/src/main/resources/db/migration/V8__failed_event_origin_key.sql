-- Where a failed event was read, for origins that can deliver it again (a Kafka record:
-- kafka:<source>:<topic>:<partition>:<offset>[:<index>]). Unique, so a record read a second time after a
-- crash between the append and the offset commit does not store its failure twice; NULL (HTTP requests)
-- never conflicts. (V7 is taken by reporting's rollups on another branch.)
ALTER TABLE failed_event ADD COLUMN origin_key VARCHAR(512);
CREATE UNIQUE INDEX failed_event_origin_key ON failed_event (origin_key);
