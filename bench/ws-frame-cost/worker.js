// A Worker and a Durable Object that only count the WebSocket frames they receive, three ways:
// a socket accepted by the Worker (`worker`), by the object with accept() (`object`), and by the
// object through the Hibernation API (`hibernation`). Used by bench/ws-frame-cost.mjs.
export class Counter {
  constructor(ctx) {
    this.ctx = ctx;
    this.frames = 0;
  }
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/count") return new Response(String(this.frames));
    const [client, server] = Object.values(new WebSocketPair());
    if (url.searchParams.get("mode") === "hibernation") this.ctx.acceptWebSocket(server);
    else {
      server.accept();
      server.addEventListener("message", () => this.frames++);
    }
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage() {
    this.frames++;
  }
}

let workerFrames = 0;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.searchParams.get("mode") === "worker") {
      if (url.pathname === "/count") return new Response(String(workerFrames));
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("message", () => workerFrames++);
      return new Response(null, { status: 101, webSocket: client });
    }
    return env.COUNTER.get(env.COUNTER.idFromName(url.searchParams.get("run") ?? "run")).fetch(request);
  },
};
