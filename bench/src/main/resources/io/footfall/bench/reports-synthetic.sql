-- Reporting read models of the size ~9 M events produce, filled directly (bench part `reports` with
-- --report-synthetic-people N; ${people} is replaced by N). 30 days from 2026-01-01. Per person: 5 active days,
-- 18 events a day (N × 90 events in all), ~4.3 event types a day (report_user_step), 2 categories and a brand a
-- day (report_affinity). The rollups are then derived from these rows with window functions, giving what the
-- reporting fold maintains (report_reach: each person-day against the person's previous day; report_cohort: each
-- person's first day in each ISO week; report_funnel: the default funnel's entries, computed as the live query does).
CREATE TEMP TABLE syn_days AS
    SELECT i, 'user:s' || i AS person, DATE '2026-01-01' + ((i * 7 + k * (1 + i % 5)) % 30) AS day
    FROM generate_series(1, ${people}) i, generate_series(0, 4) k;
INSERT INTO report_user_day (day, person, events, sessions) SELECT day, person, 18, 1 FROM syn_days;
INSERT INTO report_person (person, first_day, first_at, last_at)
    SELECT person, min(day), min(day) + TIME '10:00', max(day) + TIME '11:00' FROM syn_days GROUP BY person;
INSERT INTO report_user_step (person, event_type, day, first_at, last_at, n)
    SELECT d.person, t.name, d.day, d.day + TIME '10:00' + t.ord * INTERVAL '1 minute', d.day + TIME '10:30' + t.ord * INTERVAL '1 minute', 4
    FROM syn_days d, (VALUES (1, 'Products Searched'), (2, 'Product Viewed'), (3, 'Product Added'), (4, 'Checkout Started'),
                             (5, 'Order Completed'), (6, 'page'), (7, 'Cart Viewed'), (8, 'Product Clicked'), (9, 'identify')) t(ord, name)
    WHERE t.ord <= 2 OR (d.i + t.ord + extract(day FROM d.day)::int) % 3 = 0;
INSERT INTO report_affinity (dimension, value, day, person, n)
    SELECT 'c', 'cat' || ((i + e) % 50), day, person, 2 FROM syn_days, generate_series(0, 1) e
    UNION ALL SELECT 'b', 'brand' || ((i * 3) % 200), day, person, 1 FROM syn_days;
INSERT INTO report_product (product_id, name, category, brand)
    SELECT 'p' || j, 'Product ' || j, 'cat' || (j % 50), 'brand' || (j % 200) FROM generate_series(1, 2000) j;
INSERT INTO report_product_day (day, product_id, views, carts, purchases)
    SELECT DATE '2026-01-01' + dd, 'p' || j, 1 + (j * 7 + dd) % 97, (j + dd) % 13, (j + dd) % 5 FROM generate_series(1, 2000) j, generate_series(0, 29) dd;
INSERT INTO report_search_day (day, query, searches, no_result, no_click)
    SELECT DATE '2026-01-01' + dd, 'query ' || j, 1 + (j + dd) % 41, (j * 3 + dd) % 7, (j + dd * 5) % 11 FROM generate_series(1, 5000) j, generate_series(0, 29) dd;
INSERT INTO report_counter (day, metric, key, n)
    SELECT day, 'type', event_type, sum(n) FROM report_user_step GROUP BY 1, 3
    UNION ALL SELECT day, 'events', '', sum(events) FROM report_user_day GROUP BY 1
    UNION ALL SELECT day, 'sessions', '', sum(sessions) FROM report_user_day GROUP BY 1;
INSERT INTO report_reach (dimension, day, value, prev_day, n)
    SELECT 'a', day, '', prev, count(*) FROM (
        SELECT day, COALESCE(lag(day) OVER (PARTITION BY person ORDER BY day), DATE '0001-01-01') AS prev FROM report_user_day) x
    GROUP BY day, prev
    UNION ALL SELECT dimension, day, value, prev, count(*) FROM (
        SELECT dimension, value, day, COALESCE(lag(day) OVER (PARTITION BY person, dimension, value ORDER BY day), DATE '0001-01-01') AS prev
        FROM report_affinity) x
    GROUP BY dimension, day, value, prev
    UNION ALL SELECT dimension, day, '', prev, count(*) FROM (
        SELECT dimension, day, COALESCE(lag(day) OVER (PARTITION BY person, dimension ORDER BY day), DATE '0001-01-01') AS prev
        FROM (SELECT DISTINCT person, dimension, day FROM report_affinity) a) x
    GROUP BY dimension, day, prev;
INSERT INTO report_cohort (first_day, day, n)
    SELECT first_day, day, count(*) FROM (
        SELECT day, min(day) OVER (PARTITION BY person) AS first_day,
               row_number() OVER (PARTITION BY person, date_trunc('week', day) ORDER BY day) AS rn FROM report_user_day) x
    WHERE rn = 1 GROUP BY first_day, day;
INSERT INTO report_span (person, dimension, value, first_day, last_day)
    SELECT person, dimension, value, min(day), max(day) FROM report_affinity GROUP BY 1, 2, 3
    UNION ALL SELECT person, dimension, '', min(day), max(day) FROM report_affinity GROUP BY 1, 2;
INSERT INTO report_funnel_entry (person, day, prev_day, depth)
    WITH s1 AS (SELECT person, day AS e, first_at AS t0, first_at AS t FROM report_user_step WHERE event_type = 'Products Searched'),
    s2 AS (SELECT p.person, p.e, p.t0, min(GREATEST(u.first_at, p.t)) AS t FROM s1 p JOIN report_user_step u ON u.person = p.person
           AND u.event_type = 'Product Viewed' AND u.last_at >= p.t AND u.first_at <= p.t0 + INTERVAL '7 days' GROUP BY 1, 2, 3),
    s3 AS (SELECT p.person, p.e, p.t0, min(GREATEST(u.first_at, p.t)) AS t FROM s2 p JOIN report_user_step u ON u.person = p.person
           AND u.event_type = 'Product Added' AND u.last_at >= p.t AND u.first_at <= p.t0 + INTERVAL '7 days' GROUP BY 1, 2, 3),
    s4 AS (SELECT p.person, p.e, p.t0, min(GREATEST(u.first_at, p.t)) AS t FROM s3 p JOIN report_user_step u ON u.person = p.person
           AND u.event_type = 'Checkout Started' AND u.last_at >= p.t AND u.first_at <= p.t0 + INTERVAL '7 days' GROUP BY 1, 2, 3),
    s5 AS (SELECT p.person, p.e, p.t0, min(GREATEST(u.first_at, p.t)) AS t FROM s4 p JOIN report_user_step u ON u.person = p.person
           AND u.event_type = 'Order Completed' AND u.last_at >= p.t AND u.first_at <= p.t0 + INTERVAL '7 days' GROUP BY 1, 2, 3)
    SELECT s1.person, s1.e, COALESCE(lag(s1.e) OVER (PARTITION BY s1.person ORDER BY s1.e), DATE '0001-01-01'),
           1 + (s2.e IS NOT NULL)::int + (s3.e IS NOT NULL)::int + (s4.e IS NOT NULL)::int + (s5.e IS NOT NULL)::int
    FROM s1 LEFT JOIN s2 USING (person, e) LEFT JOIN s3 USING (person, e) LEFT JOIN s4 USING (person, e) LEFT JOIN s5 USING (person, e);
INSERT INTO report_funnel (day, prev_day, depth, n) SELECT day, prev_day, depth, count(*) FROM report_funnel_entry GROUP BY 1, 2, 3;
ANALYZE;
