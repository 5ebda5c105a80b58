// Aedes over WebSockets on a local port, in a process of its own (so its CPU is measured apart
// from the load generator's). Prints "listening PORT" when ready. Used by bench/broker/run.mjs.
import { createServer } from "node:http";
import { Aedes } from "aedes";
import { WebSocketServer, createWebSocketStream } from "ws";

const broker = await Aedes.createBroker();
const http = createServer();
const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => [...protocols][0] ?? false });
wss.on("connection", (ws) => broker.handle(createWebSocketStream(ws)));
http.listen(0, "127.0.0.1", () => console.log(`listening ${http.address().port}`));
