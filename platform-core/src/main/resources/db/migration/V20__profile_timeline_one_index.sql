-- profile_timeline keeps its primary key (identifier, global_index) only. The second index (identifier, occurred_at)
-- was read by no query that needed it: every read of the table names the person's identifiers, and the primary key
-- finds their rows (a page of the timeline, a merge's re-fold, an as-of profile, the membership history, which filter
-- or sort a person's rows after finding them). Every folded event paid for it: one of the two index insertions per
-- timeline row, about a third of the row's insert cost (docs/benchmarks.md, session 13).
DROP INDEX IF EXISTS profile_timeline_time;
