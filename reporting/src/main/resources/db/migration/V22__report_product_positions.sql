-- Product details (name, category, brand) each remember the log position of the event that named them, so that the
-- latest in the log wins whichever batch commits last: with the reporting projection on several segments (ADR 0021,
-- step 5) batches of different segments commit in any order. Rows from before carry none (older than any event).
ALTER TABLE report_product ADD COLUMN name_at BIGINT, ADD COLUMN category_at BIGINT, ADD COLUMN brand_at BIGINT;
