import { binarySize, type ByteWriter, stringSize, vbiSize } from "./byte-writer";
import type { AnyProperties } from "./packets";
import { PROPERTIES_BY_NAME, type PropertyContext, type PropertyDescriptor, PropertyKind } from "./properties";

/**
 * Encoding of v5 property lists. Properties are written in the order of the object's keys (any
 * order is valid, §2.2.2.2), which for a decoded packet is the order they arrived in, so
 * re-encoding reproduces the original bytes; each User Property and Subscription Identifier of a
 * list becomes its own entry, in list order. Keys the packet may not carry are skipped, not sent:
 * the receiver would have to treat them as a Protocol Error.
 */

type Properties = Readonly<AnyProperties> | undefined;

/** Size of the property list's contents, without its own length prefix. */
export function propertiesSize(properties: Properties, context: PropertyContext): number {
  if (properties === undefined) return 0;
  const allowed = PROPERTIES_BY_NAME.get(context)!;
  let size = 0;
  // for…in over a plain object walks V8's enum cache: no key array is allocated.
  for (const name in properties) {
    const value = properties[name as keyof AnyProperties];
    const descriptor = allowed.get(name);
    if (value !== undefined && descriptor !== undefined) size += propertySize(descriptor, value);
  }
  return size;
}

/** Writes the length prefix and the list; `size` is what `propertiesSize` returned. */
export function writeProperties(writer: ByteWriter, properties: Properties, context: PropertyContext, size: number): void {
  writer.vbi(size);
  if (properties === undefined || size === 0) return;
  const allowed = PROPERTIES_BY_NAME.get(context)!;
  for (const name in properties) {
    const value = properties[name as keyof AnyProperties];
    const descriptor = allowed.get(name);
    if (value !== undefined && descriptor !== undefined) writeProperty(writer, descriptor, value);
  }
}

/** Bytes taken by a property list including its length prefix. */
export function propertiesBlockSize(contentSize: number): number {
  return vbiSize(contentSize) + contentSize;
}

function propertySize(descriptor: PropertyDescriptor, value: unknown): number {
  // Every identifier is below 0x80, so each takes one byte.
  switch (descriptor.kind) {
    case PropertyKind.flag:
    case PropertyKind.qos01:
      return 2;
    case PropertyKind.u16:
      return 3;
    case PropertyKind.u32:
      return 5;
    case PropertyKind.u16NonZero:
      if (value === 0) throw new RangeError(`${descriptor.name} must not be 0`);
      return 3;
    case PropertyKind.u32NonZero:
      if (value === 0) throw new RangeError(`${descriptor.name} must not be 0`);
      return 5;
    case PropertyKind.vbiNonZero: {
      // One identifier in SUBSCRIBE, a list of them in PUBLISH.
      if (typeof value === "number") return 1 + subscriptionIdentifierSize(value);
      let size = 0;
      for (const id of value as readonly number[]) size += 1 + subscriptionIdentifierSize(id);
      return size;
    }
    case PropertyKind.string:
      return 1 + stringSize(value as string);
    case PropertyKind.binary:
      return 1 + binarySize(value as Uint8Array);
    case PropertyKind.pair: {
      let size = 0;
      for (const [key, text] of value as ReadonlyArray<readonly [string, string]>) {
        size += 1 + stringSize(key) + stringSize(text);
      }
      return size;
    }
  }
}

function subscriptionIdentifierSize(id: number): number {
  if (id === 0) throw new RangeError("subscription identifier must not be 0");
  return vbiSize(id);
}

function writeProperty(writer: ByteWriter, descriptor: PropertyDescriptor, value: unknown): void {
  const id = descriptor.id;
  switch (descriptor.kind) {
    case PropertyKind.flag:
      writer.u8(id);
      writer.u8(value ? 1 : 0);
      return;
    case PropertyKind.qos01:
      writer.u8(id);
      writer.u8(value === 1 ? 1 : 0);
      return;
    case PropertyKind.u16:
    case PropertyKind.u16NonZero:
      writer.u8(id);
      writer.u16(value as number);
      return;
    case PropertyKind.u32:
    case PropertyKind.u32NonZero:
      writer.u8(id);
      writer.u32(value as number);
      return;
    case PropertyKind.vbiNonZero:
      if (typeof value === "number") {
        writer.u8(id);
        writer.vbi(value);
        return;
      }
      for (const subscriptionId of value as readonly number[]) {
        writer.u8(id);
        writer.vbi(subscriptionId);
      }
      return;
    case PropertyKind.string:
      writer.u8(id);
      writer.string(value as string);
      return;
    case PropertyKind.binary:
      writer.u8(id);
      writer.binary(value as Uint8Array);
      return;
    case PropertyKind.pair:
      for (const [key, text] of value as ReadonlyArray<readonly [string, string]>) {
        writer.u8(id);
        writer.string(key);
        writer.string(text);
      }
      return;
  }
}
