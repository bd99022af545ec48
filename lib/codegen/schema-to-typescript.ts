import { isRef, type JsonSchema } from '../asyncapi/json-schema';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A value as a TypeScript literal: strings single-quoted, as the rest of the code base writes them. */
export function literal(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** A property key: bare when it is an identifier, else quoted. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : literal(name);
}

/** Keywords worth a line of JSDoc: the constraints a TypeScript type cannot say. */
const DOCUMENTED = ['minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems'];

/**
 * The TypeScript type a JSON Schema (as class-validator-jsonschema writes them) describes: what a
 * value that validates looks like as JSON. `typeName` turns a `$ref` into the name of a type the
 * generated file declares.
 */
export function schemaToType(schema: unknown, typeName: (ref: string) => string, indent = ''): string {
  if (typeof schema !== 'object' || schema === null) return 'unknown';
  if (isRef(schema)) return typeName(schema.$ref);
  const s = schema as JsonSchema;
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ') || 'never';
  if (s.const !== undefined) return literal(s.const);
  if (Array.isArray(s.allOf)) return combine(s.allOf, ' & ', typeName, indent);
  if (Array.isArray(s.anyOf)) return combine(s.anyOf, ' | ', typeName, indent);
  if (Array.isArray(s.oneOf)) return combine(s.oneOf, ' | ', typeName, indent);
  const types = Array.isArray(s.type) ? (s.type as unknown[]) : s.type === undefined ? [] : [s.type];
  if (types.length === 0) return s.properties !== undefined ? objectType(s, typeName, indent) : 'unknown';
  return types.map((type) => typeOf(String(type), s, typeName, indent)).join(' | ');
}

/** `{ a: string; b?: number }` for an object schema, one property per line. */
export function objectType(schema: JsonSchema, typeName: (ref: string) => string, indent = ''): string {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const keys = Object.keys(properties);
  const extra = schema.additionalProperties;
  if (keys.length === 0) {
    return typeof extra === 'object' && extra !== null ? `Record<string, ${schemaToType(extra, typeName, indent)}>` : 'Record<string, unknown>';
  }
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const inner = `${indent}  `;
  const lines = keys.map((key) => {
    const property = properties[key];
    const doc = documentation(property, inner);
    return `${doc}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${schemaToType(property, typeName, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function typeOf(type: string, schema: JsonSchema, typeName: (ref: string) => string, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const items = schemaToType(schema.items, typeName, indent);
      return /[|&\s]/.test(items) && !items.startsWith('{') ? `(${items})[]` : `${items}[]`;
    }
    case 'object':
      return objectType(schema, typeName, indent);
    default:
      return 'unknown';
  }
}

function combine(parts: unknown[], operator: ' & ' | ' | ', typeName: (ref: string) => string, indent: string): string {
  const types = parts.map((part) => schemaToType(part, typeName, indent));
  if (types.length === 1) return types[0];
  return types.map((type) => (/ [|&] /.test(type) ? `(${type})` : type)).join(operator);
}

/** A JSDoc line with the property's description and constraints, or nothing. */
function documentation(schema: unknown, indent: string): string {
  if (typeof schema !== 'object' || schema === null) return '';
  const s = schema as JsonSchema;
  const notes = DOCUMENTED.filter((keyword) => s[keyword] !== undefined).map((keyword) => `${keyword}: ${JSON.stringify(s[keyword])}`);
  if (typeof s.description === 'string') notes.unshift(s.description);
  if (notes.length === 0) return '';
  return `${indent}/** ${notes.join('; ').replace(/\*\//g, '*\\/')} */\n`;
}
