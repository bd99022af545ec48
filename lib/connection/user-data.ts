/**
 * The type of `ws.userData` in every handler that does not name its own. Augment it once for the
 * whole app instead of repeating `WebSocketConnection<ChatUser>` in every handler:
 * @example
 * declare module 'proapi' {
 *   interface UserData {
 *     user?: { id: string; name: string };
 *   }
 * }
 * // now, anywhere: ws.userData.user?.name is a string | undefined
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface -- a declaration merging point
export interface UserData extends Record<string, unknown> {}
