/**
 * The acknowledgements (PUBACK / PUBREC) the hub owes one client for its QoS≥1 PUBLISHes. They
 * go out in PUBLISH order [MQTT-4.6.0-2]: an acknowledgement waiting for its telemetry hand-off
 * holds back the ones behind it. What is owed is also what the client has in flight towards the
 * hub, so its count is what the inbound Receive Maximum bounds.
 *
 * Owed acknowledgements are small records (packet id, reason), not closures over the packet: a
 * flooding client can make hundreds of them queue behind one hand-off, and each must cost bytes,
 * not a payload.
 */

export type OwedAck = {
  packetId: number;
  qos: 1 | 2;
  reasonCode: number;
  reasonString: string | undefined;
  /** Still waiting for its hand-off. */
  waiting: boolean;
  /** Runs when the hand-off failed: the reason to acknowledge with instead, or null to send nothing. */
  onFailure: FailureHandler | undefined;
  failed: boolean;
  error: unknown;
};

export type FailureHandler = (err: unknown) => { reasonCode: number; reasonString?: string } | null;

export class InboundAcks {
  private readonly owed: OwedAck[] = [];

  constructor(
    private readonly send: (packetId: number, qos: 1 | 2, reasonCode: number, reasonString: string | undefined) => void,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Acknowledgements owed and not yet sent: the client's messages in flight towards the hub. */
  get count(): number {
    return this.owed.length;
  }

  /** Acknowledges now, or behind the acknowledgements still owed. */
  ack(packetId: number, qos: 1 | 2, reasonCode: number, reasonString?: string): void {
    // Nothing owed before it (the common case, and every refusal of a flood without hand-offs): sent
    // at once, with no record made.
    if (this.owed.length === 0) return this.send(packetId, qos, reasonCode, reasonString);
    this.owed.push({ packetId, qos, reasonCode, reasonString, waiting: false, onFailure: undefined, failed: false, error: undefined });
  }

  /** Acknowledges with success once `handoff` is done; `onFailure` runs instead if it fails. */
  ackAfter(handoff: Promise<void>, packetId: number, qos: 1 | 2, onFailure: FailureHandler): void {
    const ack: OwedAck = { packetId, qos, reasonCode: 0, reasonString: undefined, waiting: true, onFailure, failed: false, error: undefined };
    this.owed.push(ack);
    handoff.then(
      () => this.settle(ack),
      (err: unknown) => {
        ack.failed = true;
        ack.error = err;
        this.settle(ack);
      },
    );
  }

  /** Forgets everything owed (the connection is gone). */
  clear(): void {
    this.owed.length = 0;
  }

  private settle(ack: OwedAck): void {
    ack.waiting = false;
    this.flush();
  }

  private flush(): void {
    while (this.owed.length > 0 && !this.owed[0]!.waiting) {
      const head = this.owed.shift()!;
      try {
        if (!head.failed) this.send(head.packetId, head.qos, head.reasonCode, head.reasonString);
        else {
          // In place of the success it would have been, so the order holds.
          const instead = head.onFailure?.(head.error);
          if (instead) this.send(head.packetId, head.qos, instead.reasonCode, instead.reasonString);
        }
      } catch (err) {
        // One acknowledgement going wrong must not strand the ones behind it.
        this.report(err);
      }
    }
  }
}
