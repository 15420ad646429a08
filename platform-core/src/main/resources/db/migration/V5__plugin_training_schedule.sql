-- Scheduled training: an ISO-8601 interval per plugin (null: on demand only) and the last scheduled start.
ALTER TABLE plugin_config ADD COLUMN train_every VARCHAR(40);
ALTER TABLE plugin_config ADD COLUMN last_scheduled_training TIMESTAMPTZ;
