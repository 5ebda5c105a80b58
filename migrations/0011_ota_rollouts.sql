CREATE TABLE `rollout_executions` (
	`tenant_id` text NOT NULL,
	`rollout_id` text NOT NULL,
	`device_id` text NOT NULL,
	`wave` integer NOT NULL,
	`position` integer NOT NULL,
	`state` text NOT NULL,
	`attempt` integer DEFAULT 0 NOT NULL,
	`from_version` text,
	`progress` integer,
	`error` text,
	`deadline_at` integer,
	`history` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `rollout_id`, `device_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rollout_executions_state` ON `rollout_executions` (`tenant_id`,`rollout_id`,`state`);--> statement-breakpoint
CREATE INDEX `rollout_executions_device` ON `rollout_executions` (`tenant_id`,`device_id`);--> statement-breakpoint
CREATE TABLE `rollouts` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`firmware_id` text NOT NULL,
	`version` text NOT NULL,
	`kind` text NOT NULL,
	`rollback_of` text,
	`target` text NOT NULL,
	`strategy` text NOT NULL,
	`status` text NOT NULL,
	`wave` integer DEFAULT 0 NOT NULL,
	`waves` integer NOT NULL,
	`paused_reason` text,
	`gates` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rollouts_status` ON `rollouts` (`tenant_id`,`status`);