/** A request waiting for its reply. */
export interface PendingRequest {
  readonly type: string;
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  /** False while it waits in the outbox for a connection. */
  sent: boolean;
}

/** Requests by id, until their reply, their timeout, or the connection's end settles them. */
export class PendingRequests {
  private readonly byId = new Map<number, PendingRequest>();

  get size(): number {
    return this.byId.size;
  }

  add(id: number, request: PendingRequest): void {
    this.byId.set(id, request);
  }

  get(id: unknown): PendingRequest | undefined {
    return typeof id === 'number' ? this.byId.get(id) : undefined;
  }

  /** Removes the request and stops its timer; undefined if it was already settled. */
  take(id: unknown): PendingRequest | undefined {
    if (typeof id !== 'number') return undefined;
    const request = this.byId.get(id);
    if (request === undefined) return undefined;
    this.byId.delete(id);
    clearTimeout(request.timer);
    return request;
  }

  /** Rejects every request `which` selects (those already sent, when a connection drops; all, at the end). */
  rejectWhere(which: (request: PendingRequest) => boolean, error: (request: PendingRequest) => Error): void {
    for (const [id, request] of [...this.byId]) {
      if (!which(request)) continue;
      this.byId.delete(id);
      clearTimeout(request.timer);
      request.reject(error(request));
    }
  }
}
