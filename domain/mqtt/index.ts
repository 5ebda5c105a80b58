/**
 * MQTT 3.1.1 / 5.0 packet codec over Uint8Array, for the Workers runtime (web APIs only).
 *
 * One decoder and one encoder per connection:
 *
 *   const decoder = new MqttDecoder({ maxPacketSize: 1 << 20 });
 *   const encoder = new MqttEncoder();
 *   for (const packet of decoder.push(chunk)) ...       // throws MqttProtocolError
 *   socket.send(encoder.encode({ type: "pingresp" }, decoder.protocolLevel!));
 *
 * `encodePacket` does the same as `encoder.encode` for one-off packets.
 */
export { MqttDecoder } from "./decoder";
export { encodePacket, MqttEncoder } from "./encoder";
export { MqttProtocolError } from "./errors";
export type * from "./packets";
export { ConnectReturnCode, isFailure, ReasonCode, SubackReturnCode, v3ConnackReturnCode, v3SubackReturnCode } from "./reason-codes";
