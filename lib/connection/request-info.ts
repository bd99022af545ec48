import { decodeHeaderText } from './header-text';

/**
 * Everything a connection keeps of its upgrade request, copied before the request object died.
 * Built by the transport; query and headers are parsed on first use.
 */
export class RequestInfo {
  private queryValue: URLSearchParams | undefined;
  private headerMap: ReadonlyMap<string, string> | undefined;

  constructor(
    readonly path: string,
    private readonly rawQuery: string,
    /** See header-text.ts. */
    private readonly headerText: string,
    readonly params: Readonly<Record<string, string>>,
    readonly clientHost: string,
  ) {}

  get query(): URLSearchParams {
    return (this.queryValue ??= new URLSearchParams(this.rawQuery));
  }

  get headers(): ReadonlyMap<string, string> {
    return (this.headerMap ??= decodeHeaderText(this.headerText));
  }

  get subprotocols(): readonly string[] {
    const header = this.headers.get('sec-websocket-protocol');
    return header ? header.split(',').map((p) => p.trim()).filter(Boolean) : [];
  }
}
