-- Every instance reads the erasures done since a little before the newest one it has seen (ErasedSubjects), about
-- once a second, so that an erasure by another instance is skipped everywhere: by time, not a scan of all of them.
CREATE INDEX erased_subject_time ON erased_subject (erased_at);
