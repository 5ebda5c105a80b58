// Fixed header constants (§2.1).

/**
 * The fixed low nibble of every packet type except PUBLISH (§2.1.3, table 2-2): PUBREL, SUBSCRIBE
 * and UNSUBSCRIBE have 0b0010 [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1], all others 0b0000.
 * Indexed by type code; PUBLISH's entry is unused because its flags are DUP, QoS and RETAIN.
 */
export const REQUIRED_FLAGS: readonly number[] = [0, 0, 0, 0, 0, 0, 0b0010, 0, 0b0010, 0, 0b0010, 0, 0, 0, 0, 0];

/** Largest Remaining Length a 4-byte Variable Byte Integer holds (§1.5.5). */
export const MAX_REMAINING_LENGTH = 268_435_455;
/** Largest whole packet: 1 byte of type and flags, 4 of length, the rest body. */
export const MAX_PACKET_SIZE = 1 + 4 + MAX_REMAINING_LENGTH;
