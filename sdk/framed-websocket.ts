/**
 * A WebSocket as the byte stream MQTT.js writes to, sending what is written in one turn as one
 * WebSocket frame.
 *
 * Why: MQTT.js on Node writes a PUBLISH as several chunks (fixed header, topic, packet id,
 * payload) and its WebSocket stream sends each chunk as a frame of its own — about five frames
 * per message. Every frame is work at the edge, and on Cloudflare each frame a Durable Object
 * receives is billed. MQTT over WebSocket is a byte stream: a frame may hold part of a packet
 * or several [MQTT-6.0.0-2], so joining the chunks of a turn changes nothing for the broker.
 * Frames are still sent in the order written, at the end of the turn (a microtask, never a
 * timer), and a frame never passes `maxFrameBytes` unless one chunk alone is larger.
 *
 * Works with any WebSocket of the standard shape: the browser's, Node 22's global one, or the
 * `ws` package's.
 */
import { Buffer } from "buffer";
import { Duplex } from "readable-stream";

/** The part of the standard WebSocket interface this stream uses. */
export type WebSocketLike = {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "close" | "error" | "message", listener: (event: any) => void): void;
};

export type FramedStreamOptions = { maxFrameBytes?: number };

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
const OPEN = 1;

type Callback = (error?: Error | null) => void;

/** Wraps an open or opening WebSocket; frames written before it opens are sent when it does. */
export function framedWebSocketStream(socket: WebSocketLike, { maxFrameBytes = DEFAULT_MAX_FRAME_BYTES }: FramedStreamOptions = {}): Duplex {
  socket.binaryType = "arraybuffer";
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  let failed: Error | null = null;

  const flush = () => {
    scheduled = false;
    if (pendingBytes === 0 || socket.readyState !== OPEN) return;
    const frame = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    try {
      socket.send(frame);
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      stream.destroy(failed);
    }
  };

  const queue = (chunk: Uint8Array) => {
    if (pendingBytes > 0 && pendingBytes + chunk.byteLength > maxFrameBytes) flush();
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= maxFrameBytes) flush();
    else if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  };

  const toBytes = (chunk: unknown): Uint8Array => (typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Uint8Array));

  const stream = new Duplex({
    read() {
      // Frames are pushed as they arrive; MQTT.js reads as fast as it parses.
    },
    write(chunk: unknown, _encoding: string, callback: Callback) {
      if (failed) return callback(failed);
      queue(toBytes(chunk));
      callback();
    },
    writev(chunks: ArrayLike<{ chunk: unknown }>, callback: Callback) {
      if (failed) return callback(failed);
      for (let i = 0; i < chunks.length; i++) queue(toBytes(chunks[i]!.chunk));
      callback();
    },
    final(callback: Callback) {
      flush();
      socket.close(1000);
      callback();
    },
    destroy(error: Error | null, callback: (error: Error | null) => void) {
      flush();
      try {
        socket.close(1000);
      } catch {
        // already closed
      }
      callback(error);
    },
  });

  socket.addEventListener("open", flush);
  socket.addEventListener("message", (event: { data: unknown }) => {
    const data = event.data;
    if (data instanceof ArrayBuffer) stream.push(Buffer.from(data));
    else if (ArrayBuffer.isView(data)) stream.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else stream.push(Buffer.from(String(data), "utf8"));
  });
  socket.addEventListener("close", () => {
    stream.push(null);
    stream.destroy();
  });
  socket.addEventListener("error", () => stream.destroy(new Error("WebSocket error")));
  return stream;
}
