CREATE TABLE `firmware` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`title` text NOT NULL,
	`version` text NOT NULL,
	`targets` text NOT NULL,
	`delta_base_version` text,
	`release_notes` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`object_key` text NOT NULL,
	`size` integer,
	`sha256` text,
	`created_at` integer NOT NULL,
	`uploaded_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `firmware_version` ON `firmware` (`tenant_id`,`version`);