export { connectDevice, deviceUrl, type DeviceOptions, type WebSocketConstructor } from "./device";
export { framedWebSocketStream, DEFAULT_MAX_FRAME_BYTES, type FramedStreamOptions, type WebSocketLike } from "./framed-websocket";
