import type { JsonSchema, SchemaRef } from './json-schema';

/** What `app.asyncapi()` and `proapi asyncapi` put in the document's `info`, and where the servers are. */
export interface AsyncApiOptions {
  /** Default: `ProAPI app`; `proapi asyncapi` uses the project's package.json name. */
  readonly title?: string;
  /** The API's version. Default `1.0.0`; `proapi asyncapi` uses the project's package.json version. */
  readonly version?: string;
  readonly description?: string;
  /** Where clients connect, by name, e.g. `{ production: { host: 'chat.example.com', protocol: 'wss' } }`. */
  readonly servers?: Readonly<Record<string, AsyncApiServer>>;
}

export interface AsyncApiServer {
  /** `host[:port]`. */
  readonly host: string;
  readonly protocol: 'ws' | 'wss';
  readonly pathname?: string;
  readonly description?: string;
}

export interface AsyncApiMessage {
  readonly name: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly contentType?: string;
  readonly payload: JsonSchema | SchemaRef;
}

export interface AsyncApiChannel {
  readonly address: string;
  readonly title?: string;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, { readonly description: string }>>;
  readonly messages: Readonly<Record<string, AsyncApiMessage | SchemaRef>>;
  readonly bindings?: { readonly ws: WebSocketBinding };
}

/** The WebSocket channel binding (bindingVersion 0.1.0): the upgrade request's query and headers. */
export interface WebSocketBinding {
  readonly method: 'GET';
  readonly query?: JsonSchema;
  readonly headers?: JsonSchema;
  readonly bindingVersion: '0.1.0';
}

export interface AsyncApiOperation {
  /** `receive`: the server receives it from clients; `send`: the server sends it. */
  readonly action: 'receive' | 'send';
  readonly channel: SchemaRef;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly messages: readonly SchemaRef[];
  readonly reply?: { readonly channel: SchemaRef; readonly messages: readonly SchemaRef[] };
  readonly security?: readonly SchemaRef[];
}

export interface AsyncApiSecurityScheme {
  readonly type: 'http' | 'httpApiKey';
  readonly scheme?: 'bearer';
  readonly name?: string;
  readonly in?: 'query' | 'header';
  readonly description: string;
}

/** An AsyncAPI 3.0 document, as `app.asyncapi()` builds it (plain JSON). */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly defaultContentType: 'application/json';
  readonly servers?: Readonly<Record<string, AsyncApiServer>>;
  readonly channels: Readonly<Record<string, AsyncApiChannel>>;
  readonly operations: Readonly<Record<string, AsyncApiOperation>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly messages: Readonly<Record<string, AsyncApiMessage>>;
    readonly securitySchemes?: Readonly<Record<string, AsyncApiSecurityScheme>>;
  };
}
