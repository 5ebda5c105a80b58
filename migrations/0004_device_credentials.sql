CREATE TABLE `device_credentials` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`device_id` text NOT NULL,
	`type` text NOT NULL,
	`algorithm` text,
	`fingerprint` text NOT NULL,
	`material` text NOT NULL,
	`subject` text,
	`issuer` text,
	`serial` text,
	`not_before` integer,
	`not_after` integer,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`,`device_id`) REFERENCES `devices`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_credentials_device` ON `device_credentials` (`tenant_id`,`device_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `device_credentials_active_fingerprint` ON `device_credentials` (`tenant_id`,`fingerprint`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `device_credentials_expiry` ON `device_credentials` (`tenant_id`,`not_after`);