CREATE TABLE `firmware_signing` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`public_key` text,
	`require_signed` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `firmware` ADD `signature` text;