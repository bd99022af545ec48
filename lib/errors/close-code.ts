/** Standard WebSocket close codes ProAPI uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** The server casts off a client for a temporary condition; ProAPI uses it for a receiver that fell too far behind. */
  TRY_AGAIN_LATER: 1013,
} as const;

/** Whether a server may send `code` in a close frame (RFC 6455 §7.4 and the IANA registry). */
export function isSendableCloseCode(code: number): boolean {
  return (
    code === 1000 || code === 1001 || code === 1003 || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}
