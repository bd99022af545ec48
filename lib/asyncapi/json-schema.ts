/** A JSON Schema (draft-07, as AsyncAPI's default schema format reads it), kept loose: keywords by name. */
export interface JsonSchema {
  [keyword: string]: unknown;
}

/** A `$ref` to a schema of the document. */
export interface SchemaRef {
  readonly $ref: string;
}

export function isRef(value: unknown): value is SchemaRef {
  return typeof value === 'object' && value !== null && typeof (value as { $ref?: unknown }).$ref === 'string';
}
