/**
 * A WebSocket proxy in front of the platform that counts frames each way, one for one: what a
 * client sends arrives upstream as the same frames, so the count is the client's. Used by the
 * SDK's frame tests and by `npm run bench:broker` (frames per PUBLISH of each client).
 */
import { WebSocket, WebSocketServer, type RawData } from "ws";

export type FrameProxy = {
  /** The proxy's origin, e.g. `ws://127.0.0.1:40123`; paths are passed through. */
  readonly origin: string;
  /** Frames clients sent (towards the platform) and received, and the largest sent, since the last `reset`. */
  readonly counts: { up: number; down: number; largestUp: number };
  reset(): void;
  close(): Promise<void>;
};

/** Starts a proxy to `upstream` (an origin such as `ws://127.0.0.1:8787`) on a free local port. */
export async function startFrameProxy(upstream: string): Promise<FrameProxy> {
  const counts = { up: 0, down: 0, largestUp: 0 };
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (protocols) => [...protocols][0] ?? false });
  server.on("connection", (client, request) => {
    const protocols = String(request.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    const target = new WebSocket(`${upstream}${request.url ?? "/"}`, protocols);
    const early: RawData[] = [];
    client.on("message", (data, isBinary) => {
      counts.up++;
      counts.largestUp = Math.max(counts.largestUp, frameBytes(data));
      if (target.readyState === WebSocket.OPEN) target.send(data, { binary: isBinary });
      else early.push(data);
    });
    target.on("open", () => {
      for (const data of early.splice(0)) target.send(data, { binary: true });
    });
    target.on("message", (data, isBinary) => {
      counts.down++;
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    const closeCode = (code: number) => (code === 1005 || code === 1006 || code < 1000 ? 1000 : code);
    target.on("close", (code) => client.close(closeCode(code)));
    client.on("close", (code) => (target.readyState === WebSocket.CONNECTING ? target.terminate() : target.close(closeCode(code))));
    target.on("error", () => client.terminate());
    client.on("error", () => target.terminate());
  });
  await new Promise<void>((resolve, reject) => (server.once("listening", resolve), server.once("error", reject)));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("frame proxy has no address");
  return {
    origin: `ws://127.0.0.1:${address.port}`,
    counts,
    reset() {
      counts.up = 0;
      counts.down = 0;
      counts.largestUp = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}

function frameBytes(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
}
