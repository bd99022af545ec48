export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';
