import type { ByteReader } from "./byte-reader";
import { malformed, MqttProtocolError, protocolError } from "./errors";
import type { AnyProperties, UserProperties } from "./packets";
import { PROPERTY_BY_ID, PROPERTY_CONTEXT_NAMES, PropertyContext, PropertyKind, SUBSCRIPTION_IDENTIFIER_ID, USER_PROPERTY_ID } from "./properties";
import { ReasonCode } from "./reason-codes";

type MutableProperties = { -readonly [K in keyof AnyProperties]: AnyProperties[K] };

/**
 * Reads a v5 property list (§2.2.2): a Variable Byte Integer length, then identifier/value pairs.
 * Returns undefined for an empty list, so packets without properties carry no `properties` key.
 *
 * - An identifier the spec does not define is a Malformed Packet.
 * - A property the packet may not carry is a Protocol Error (§2.2.2.2).
 * - A property other than User Property (and Subscription Identifier in PUBLISH) appearing twice
 *   is a Protocol Error ("It is a Protocol Error to include the ... more than once").
 */
export function readProperties(reader: ByteReader, context: PropertyContext): AnyProperties | undefined {
  const length = reader.vbi();
  if (length === 0) return undefined;
  const end = reader.pos + length;
  if (end > reader.end) throw malformed("property length exceeds packet");

  // Bound reads to the property list so a value cannot run into the packet's payload.
  const packetEnd = reader.end;
  reader.end = end;
  const properties: MutableProperties = {};
  let seen = 0;
  while (reader.pos < end) {
    const id = reader.vbi();
    const descriptor = PROPERTY_BY_ID[id];
    if (descriptor === undefined) throw malformed(`unknown property 0x${id.toString(16)}`);
    if ((descriptor.contexts & context) === 0) {
      throw protocolError(`${descriptor.name} not allowed in ${PROPERTY_CONTEXT_NAMES[context]}`);
    }

    if (id === USER_PROPERTY_ID) {
      const key = reader.string();
      const value = reader.string();
      (properties.userProperties ??= [] as UserProperties).push([key, value]);
      continue;
    }
    if (id === SUBSCRIPTION_IDENTIFIER_ID && context === PropertyContext.publish) {
      // A PUBLISH sent to a subscriber lists the identifier of every matching subscription.
      (properties.subscriptionIdentifiers ??= []).push(readSubscriptionIdentifier(reader));
      continue;
    }
    if (seen & descriptor.seenBit) throw protocolError(`${descriptor.name} included more than once`);
    seen |= descriptor.seenBit;

    const name = descriptor.name;
    switch (descriptor.kind) {
      case PropertyKind.flag: {
        const value = reader.u8();
        if (value > 1) throw protocolError(`${name} must be 0 or 1`);
        (properties as Record<string, unknown>)[name] = value === 1;
        break;
      }
      case PropertyKind.qos01: {
        const value = reader.u8();
        if (value > 1) throw protocolError("maximumQoS must be 0 or 1"); // §3.2.2.3.4
        properties.maximumQoS = value as 0 | 1;
        break;
      }
      case PropertyKind.u16:
        (properties as Record<string, unknown>)[name] = reader.u16();
        break;
      case PropertyKind.u16NonZero: {
        const value = reader.u16();
        if (value === 0) {
          // [MQTT-3.3.2-8] for Topic Alias; §3.1.2.11.3 / §3.2.2.3.3 for Receive Maximum.
          if (id === 0x23) throw new MqttProtocolError(ReasonCode.TopicAliasInvalid, "topic alias 0");
          throw protocolError(`${name} of 0`);
        }
        (properties as Record<string, unknown>)[name] = value;
        break;
      }
      case PropertyKind.u32:
        (properties as Record<string, unknown>)[name] = reader.u32();
        break;
      case PropertyKind.u32NonZero: {
        const value = reader.u32();
        if (value === 0) throw protocolError(`${name} of 0`); // §3.1.2.11.4, §3.2.2.3.6
        (properties as Record<string, unknown>)[name] = value;
        break;
      }
      case PropertyKind.vbiNonZero:
        properties.subscriptionIdentifier = readSubscriptionIdentifier(reader);
        break;
      case PropertyKind.string:
        (properties as Record<string, unknown>)[name] = reader.string();
        break;
      case PropertyKind.binary:
        (properties as Record<string, unknown>)[name] = reader.binary();
        break;
    }
  }
  reader.end = packetEnd;
  return properties;
}

function readSubscriptionIdentifier(reader: ByteReader): number {
  const value = reader.vbi();
  if (value === 0) throw protocolError("subscription identifier 0"); // §3.8.2.1.2
  return value;
}
