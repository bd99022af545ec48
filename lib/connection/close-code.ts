/** Whether a server may send `code` in a close frame (RFC 6455 §7.4 and the IANA registry). */
export function isSendableCloseCode(code: number): boolean {
  return (
    code === 1000 || code === 1001 || code === 1003 || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}
