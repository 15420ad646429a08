-- The reporting projection folds on several segments in parallel (ADR 0021, step 5). Its rollups are sums over people
-- that every segment adds to; two segments updating one row would wait for each other's row locks to the end of their
-- batches and could deadlock. So each rollup row now belongs to a part: a segment adds its deltas to the rows of its
-- own part (its segment id), an erasure with several segments to part -1 (a saved funnel's backfill, which shuts every
-- batch out through its definition's row lock, to part 0), and every read sums over the parts (the report queries
-- already sum). With one segment every row is part 0, as before.
-- The part is the column's default, taken from the transaction's setting footfall.report_part (set_config(…, true) by
-- the projection; 0 when unset), so the writers' statements name it only in their ON CONFLICT targets.

ALTER TABLE report_reach ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_reach DROP CONSTRAINT report_reach_pkey, ADD PRIMARY KEY (dimension, day, value, prev_day, part);

ALTER TABLE report_cohort ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_cohort DROP CONSTRAINT report_cohort_pkey, ADD PRIMARY KEY (first_day, day, part);

ALTER TABLE report_counter ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_counter DROP CONSTRAINT report_counter_pkey, ADD PRIMARY KEY (day, metric, key, part);

ALTER TABLE report_funnel ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_funnel DROP CONSTRAINT report_funnel_pkey, ADD PRIMARY KEY (day, prev_day, depth, part);

ALTER TABLE report_product_day ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_product_day DROP CONSTRAINT report_product_day_pkey, ADD PRIMARY KEY (day, product_id, part);

ALTER TABLE report_search_day ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_search_day DROP CONSTRAINT report_search_day_pkey, ADD PRIMARY KEY (day, query, part);

ALTER TABLE report_saved_funnel_rollup ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_saved_funnel_rollup DROP CONSTRAINT report_saved_funnel_rollup_pkey, ADD PRIMARY KEY (funnel, day, prev_day, depth, part);

ALTER TABLE report_seg_reach ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_reach DROP CONSTRAINT report_seg_reach_pkey, ADD PRIMARY KEY (segment, dimension, day, value, prev_day, part);

ALTER TABLE report_seg_cohort ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_cohort DROP CONSTRAINT report_seg_cohort_pkey, ADD PRIMARY KEY (segment, first_day, day, part);

ALTER TABLE report_seg_counter ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_counter DROP CONSTRAINT report_seg_counter_pkey, ADD PRIMARY KEY (segment, day, metric, key, part);

ALTER TABLE report_seg_product_day ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_product_day DROP CONSTRAINT report_seg_product_day_pkey, ADD PRIMARY KEY (segment, day, product_id, part);

ALTER TABLE report_seg_search_day ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_search_day DROP CONSTRAINT report_seg_search_day_pkey, ADD PRIMARY KEY (segment, day, query, part);

ALTER TABLE report_seg_funnel ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_funnel DROP CONSTRAINT report_seg_funnel_pkey, ADD PRIMARY KEY (segment, day, prev_day, depth, part);

ALTER TABLE report_seg_saved_funnel ADD COLUMN part SMALLINT NOT NULL DEFAULT COALESCE(NULLIF(current_setting('footfall.report_part', true), '')::smallint, 0);
ALTER TABLE report_seg_saved_funnel DROP CONSTRAINT report_seg_saved_funnel_pkey, ADD PRIMARY KEY (segment, funnel, day, prev_day, depth, part);
