ALTER TABLE `device_profiles` ADD `health` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `health` text DEFAULT 'never_seen' NOT NULL;--> statement-breakpoint
ALTER TABLE `devices` ADD `health_reason` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `health_since` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `health_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `devices` ADD `health_policy` text;--> statement-breakpoint
CREATE INDEX `devices_health` ON `devices` (`tenant_id`,`health`);--> statement-breakpoint
-- Devices that connected before health existed start from their connectivity status; the hub corrects them at its next report.
UPDATE `devices` SET `health` = CASE `status` WHEN 'online' THEN 'online' WHEN 'offline' THEN 'offline' ELSE 'never_seen' END, `health_reason` = CASE `status` WHEN 'provisioned' THEN 'never_connected' ELSE NULL END, `health_since` = `last_seen_at`;
