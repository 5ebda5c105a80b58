import { describe, expect, it } from "vitest";
import { ConnectReturnCode, isFailure, ReasonCode, SubackReturnCode, v3ConnackReturnCode, v3SubackReturnCode } from "../../../domain/mqtt";

describe("reason codes", () => {
  it("carry the values of the v5 table (§2.4)", () => {
    expect(ReasonCode.MalformedPacket).toBe(0x81);
    expect(ReasonCode.PacketTooLarge).toBe(0x95);
    expect(ReasonCode.WildcardSubscriptionsNotSupported).toBe(0xa2);
    expect(ReasonCode.DisconnectWithWillMessage).toBe(0x04);
    expect(isFailure(ReasonCode.NoMatchingSubscribers)).toBe(false);
    expect(isFailure(ReasonCode.UnspecifiedError)).toBe(true);
  });

  it.each([
    [ReasonCode.Success, ConnectReturnCode.Accepted],
    [ReasonCode.UnsupportedProtocolVersion, ConnectReturnCode.UnacceptableProtocolVersion],
    [ReasonCode.ClientIdentifierNotValid, ConnectReturnCode.IdentifierRejected],
    [ReasonCode.BadUserNameOrPassword, ConnectReturnCode.BadUsernameOrPassword],
    [ReasonCode.NotAuthorized, ConnectReturnCode.NotAuthorized],
    [ReasonCode.Banned, ConnectReturnCode.NotAuthorized],
    [ReasonCode.ServerUnavailable, ConnectReturnCode.ServerUnavailable],
    [ReasonCode.ServerBusy, ConnectReturnCode.ServerUnavailable],
    [ReasonCode.MalformedPacket, ConnectReturnCode.ServerUnavailable],
  ])("maps v5 CONNACK reason %i to the 3.1.1 return code %i", (reason, returnCode) => {
    expect(v3ConnackReturnCode(reason)).toBe(returnCode);
  });

  it("maps v5 SUBACK reasons to granted QoS or Failure for 3.1.1", () => {
    expect([0x00, 0x01, 0x02, 0x87, 0x8f, 0xa2].map(v3SubackReturnCode)).toEqual([0, 1, 2, 0x80, 0x80, 0x80]);
    expect(SubackReturnCode.Failure).toBe(0x80);
  });
});
