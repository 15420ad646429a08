-- The at-risk list (GET /api/v1/churn/at-risk) and any other ranking of a plugin's user scores read the highest
-- scores of one plugin and score name, riskiest first, in pages. Without this index every page sorted all of the
-- plugin's stored user scores. Partial: user scores with a numeric score only (PluginResults.rankedUserScores
-- repeats the predicate so that the planner can use it).
CREATE INDEX plugin_result_user_score_rank ON plugin_result
    (plugin_id, (payload ->> 'name'), ((payload ->> 'score')::float8) DESC, user_id)
    WHERE result_type = 'USER_SCORE' AND jsonb_typeof(payload -> 'score') = 'number';
