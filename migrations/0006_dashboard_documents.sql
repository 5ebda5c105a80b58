-- Dashboards get an API: each row holds a versioned dashboard document (domain/schemas/dashboards.ts)
-- and a version counter for optimistic concurrency (the API's ETag). The rows written so far (the
-- onboarding starter, `layout` only) become v0 documents `{"name", "layout"}`, which the API upgrades
-- on read (`parseDashboard`). Rebuilt rather than altered: SQLite cannot make an added column NOT NULL.
-- Nothing references dashboards, so dropping the old table trips no foreign key.
CREATE TABLE `__new_dashboards` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`document` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_dashboards` (`tenant_id`, `id`, `name`, `document`, `version`, `created_at`, `updated_at`)
SELECT `tenant_id`, `id`, `name`, json_object('name', `name`, 'layout', json(`layout`)), 1, `created_at`, `updated_at` FROM `dashboards`;
--> statement-breakpoint
DROP TABLE `dashboards`;
--> statement-breakpoint
ALTER TABLE `__new_dashboards` RENAME TO `dashboards`;
