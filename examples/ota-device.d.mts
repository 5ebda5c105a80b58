/** Types of the reference OTA client (ota-device.mjs), for TypeScript callers such as the e2e test. */
import type { KeyObject } from "node:crypto";

export type OtaDeviceOptions = {
  url: string;
  tenant: string;
  deviceId: string;
  secret: string;
  version: string;
  publicKey?: string | undefined;
  stateDir?: string | undefined;
  log?: (line: string) => void;
  corrupt?: boolean;
  failInstall?: boolean;
  cutAfterBytes?: number;
  reconnectPeriod?: number;
};

export type OtaReport = { rolloutId: string; state: string; progress?: number; error?: string; version?: string; at: number };

export type OtaDevice = {
  readonly version: string;
  readonly reports: OtaReport[];
  readonly requests: { range: string | null; status: number }[];
  done(rolloutId: string): Promise<string>;
  disconnect(): Promise<void>;
  stop(): Promise<void>;
};

export function runDevice(opts: OtaDeviceOptions): Promise<OtaDevice>;
export function ed25519Key(rawBase64: string): KeyObject;
