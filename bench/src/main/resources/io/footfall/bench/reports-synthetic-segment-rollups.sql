-- The segment ${segment}'s rollups for the synthetic read models (bench part reports with --report-synthetic-people):
-- its members are every fifth person (as planted in plugin_result), and each rollup is the sum of the members'
-- contributions computed from their per-person rows, as entering a segment does (SegmentRollups.apply in reporting/).
INSERT INTO report_segment_member (segment, person)
    SELECT '${segment}', 'user:' || user_id FROM plugin_result WHERE plugin_id = 'segmentation' AND result_type = 'SEGMENT_MEMBERSHIP'
    AND payload ->> 'segment' = '${segment}';
CREATE TEMP TABLE syn_members AS SELECT person FROM report_segment_member WHERE segment = '${segment}';
INSERT INTO report_seg_counter (segment, day, metric, key, n)
    SELECT '${segment}', day, 'events', '', sum(events) FROM report_user_day JOIN syn_members USING (person) GROUP BY 2
    UNION ALL SELECT '${segment}', day, 'sessions', '', sum(sessions) FROM report_user_day JOIN syn_members USING (person) GROUP BY 2
    UNION ALL SELECT '${segment}', day, 'type', event_type, sum(n) FROM report_user_step JOIN syn_members USING (person) GROUP BY 2, 4;
-- The synthetic read models have no per-person product and search rows (reports-synthetic.sql fills only the per-day
-- totals), so the segment's product and search rollups stand in as a fifth of the totals: as many rows to read as a
-- real segment that touched every product and query each day.
INSERT INTO report_seg_product_day (segment, day, product_id, views, carts, purchases)
    SELECT '${segment}', day, product_id, views / 5, carts / 5, purchases / 5 FROM report_product_day;
INSERT INTO report_seg_search_day (segment, day, query, searches, no_result, no_click)
    SELECT '${segment}', day, query, searches / 5, no_result / 5, no_click / 5 FROM report_search_day;
INSERT INTO report_seg_funnel (segment, day, prev_day, depth, n)
    SELECT '${segment}', day, prev_day, depth, count(*) FROM report_funnel_entry JOIN syn_members USING (person) GROUP BY 2, 3, 4;
INSERT INTO report_seg_reach (segment, dimension, day, value, prev_day, n)
    SELECT '${segment}', 'a', day, '', prev, count(*) FROM (
        SELECT day, COALESCE(lag(day) OVER (PARTITION BY person ORDER BY day), DATE '0001-01-01') AS prev
        FROM report_user_day JOIN syn_members USING (person)) x
    GROUP BY day, prev
    UNION ALL SELECT '${segment}', dimension, day, value, prev, count(*) FROM (
        SELECT dimension, value, day, COALESCE(lag(day) OVER (PARTITION BY person, dimension, value ORDER BY day), DATE '0001-01-01') AS prev
        FROM report_affinity JOIN syn_members USING (person)) x
    GROUP BY dimension, day, value, prev
    UNION ALL SELECT '${segment}', dimension, day, '', prev, count(*) FROM (
        SELECT dimension, day, COALESCE(lag(day) OVER (PARTITION BY person, dimension ORDER BY day), DATE '0001-01-01') AS prev
        FROM (SELECT DISTINCT person, dimension, day FROM report_affinity JOIN syn_members USING (person)) a) x
    GROUP BY dimension, day, prev;
INSERT INTO report_seg_cohort (segment, first_day, day, n)
    SELECT '${segment}', first_day, day, count(*) FROM (
        SELECT day, min(day) OVER (PARTITION BY person) AS first_day,
               row_number() OVER (PARTITION BY person, date_trunc('week', day) ORDER BY day) AS rn
        FROM report_user_day JOIN syn_members USING (person)) x
    WHERE rn = 1 GROUP BY first_day, day
