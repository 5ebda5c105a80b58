CREATE TABLE `dead_letters` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`queue_message_id` text NOT NULL,
	`kind` text NOT NULL,
	`msg_id` text,
	`topic` text,
	`received_at` integer,
	`attempts` integer NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'dead' NOT NULL,
	`dead_at` integer NOT NULL,
	`redriven_at` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letters_queue_message` ON `dead_letters` (`tenant_id`,`queue_message_id`);