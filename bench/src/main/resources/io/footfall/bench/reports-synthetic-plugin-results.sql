-- Plugin results of the synthetic people (bench part `reports` with --report-synthetic-people N), as the churn and
-- recommender plugins publish them: per person a churn score (a spread of probabilities, banded as the plugin does
-- with 0.5 / 0.3), the customer's value (churn-context: revenue of the last 90 days), a retention action for the
-- high band, and a recommendation list of 10 of the 2,000 products (popularity skewed towards low product numbers).
INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at)
    SELECT 'churn', 'USER_SCORE', 'churn:s' || i, 's' || i,
           jsonb_build_object('userId', 's' || i, 'name', 'churn', 'score', p,
                              'band', CASE WHEN p >= 0.5 THEN 'high' WHEN p >= 0.3 THEN 'medium' ELSE 'low' END,
                              'reasons', jsonb_build_array(jsonb_build_object('feature', 'days_since_last_order', 'contribution', p / 2,
                                                                              'text', 'no order for ' || (i % 90) || ' days'))),
           1, now()
    FROM (SELECT i, ((i * 7919) % 10007) / 10007.0 AS p FROM generate_series(1, ${people}) i) x;
INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at)
    SELECT 'churn', 'USER_SCORE', 'churn-context:s' || i, 's' || i,
           jsonb_build_object('userId', 's' || i, 'name', 'churn-context', 'score', (i * 37) % 2000 + 0.5, 'band', 'model', 'reasons', '[]'::jsonb),
           1, now()
    FROM generate_series(1, ${people}) i;
INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at)
    SELECT 'churn', 'USER_SCORE', 'retention:s' || i, 's' || i,
           jsonb_build_object('userId', 's' || i, 'name', 'retention', 'score', 1, 'band', 'win-back-voucher', 'reasons', '[]'::jsonb),
           1, now()
    FROM generate_series(1, ${people}) i WHERE ((i * 7919) % 10007) / 10007.0 >= 0.5;
INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at)
    SELECT 'recommender', 'RANKED_ITEMS', 'recommended:user:s' || i, 's' || i,
           jsonb_build_object('list', 'recommended', 'userId', 's' || i,
                              'items', (SELECT jsonb_agg(jsonb_build_object('itemId', 'p' || (1 + ((i * 31 + k * k * 17) % (200 + k * 180))),
                                                                            'score', 1.0 - k / 10.0) ORDER BY k)
                                        FROM generate_series(0, 9) k)),
           1, now()
    FROM generate_series(1, ${people}) i;
ANALYZE plugin_result;
