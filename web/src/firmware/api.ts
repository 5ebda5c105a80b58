/**
 * The Firmware area's endpoints. Bodies are checked with the API's own schemas before sending.
 * The artifact's bytes go by XMLHttpRequest, not fetch: only it reports upload progress.
 */
import type { z } from "zod";
import type { Problem } from "../../../domain/errors";
import type { Page } from "../../../domain/schemas/common";
import { CreateFirmware, UpdateFirmwareSigning, type Firmware, type FirmwareCreated, type FirmwareSigning, type FirmwareStorage } from "../../../domain/schemas/firmware";
import { ApiError, check, currentSession, query, request } from "../api";

export type { Firmware, FirmwareSigning };
export type Storage = z.infer<typeof FirmwareStorage>;
export type Registered = z.infer<typeof FirmwareCreated>;
export type FirmwareInput = z.input<typeof CreateFirmware>;

const one = (id: string) => `/firmware/${encodeURIComponent(id)}`;

/** PUTs the file to the URL registration answered, reporting the share sent (0..1). */
function uploadBytes(upload: Registered["upload"], file: Blob, onProgress: (share: number) => void): Promise<Firmware> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    const token = currentSession()?.token;
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.setRequestHeader("accept", "application/json, application/problem+json");
    for (const [k, v] of Object.entries(upload.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, "network", "the upload was interrupted; check the connection and upload again"));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as Firmware);
      const p = body as Partial<Problem> | null;
      reject(new ApiError(xhr.status, p?.code ?? "internal", p?.detail ?? xhr.statusText, p?.errors ?? [], p?.requestId));
    };
    xhr.send(file);
  });
}

export const firmwareApi = {
  list: (q: { cursor?: string; status?: Firmware["status"] } = {}) => request<Page<Firmware>>("GET", `/firmware${query({ limit: 50, ...q })}`),
  storage: () => request<Storage>("GET", "/firmware/storage"),
  signing: () => request<FirmwareSigning>("GET", "/firmware/signing"),
  setSigning: (body: z.input<typeof UpdateFirmwareSigning>) => request<FirmwareSigning>("PUT", "/firmware/signing", { body: check(UpdateFirmwareSigning, body) }),
  register: (body: FirmwareInput) => request<Registered>("POST", "/firmware", { body: check(CreateFirmware, body) }),
  upload: uploadBytes,
  deprecate: (id: string) => request<Firmware>("POST", `${one(id)}/deprecate`),
  remove: (id: string) => request<void>("DELETE", one(id)),
};

/** Bytes in words: 1.5 MiB. */
export function bytes(n: number | null): string {
  if (n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
