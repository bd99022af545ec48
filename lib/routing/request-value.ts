import { RouteDefinitionError } from '../errors';
import { WebSocketValidationError } from '../errors/message-errors';

/** What a path parameter, query parameter or header is converted to before a handler receives it. */
export type RequestValueType = 'string' | 'number' | 'boolean';

/** Converts one raw request value; `undefined` (absent) stays `undefined`. */
export type RequestValueConverter = (raw: string | undefined) => string | number | boolean | undefined;

/** A decimal number as people write it in a URL: no hex, no `Infinity`, no surrounding spaces. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, 1: true, 0: false };

/**
 * The conversion a parameter's declared type asks for (`emitDecoratorMetadata`'s design type).
 * `number` and `boolean` convert; `string`, and types TypeScript emits as `Object` (any, unknown,
 * unions, interfaces), leave the string as it is. Anything else cannot come from a URL or a header,
 * so it is a boot error rather than a value that silently is not what the code says.
 */
export function requestValueType(designType: unknown, where: string, decorator: string): RequestValueType {
  if (designType === Number) return 'number';
  if (designType === Boolean) return 'boolean';
  if (designType === undefined || designType === String || designType === Object) return 'string';
  const declared = typeof designType === 'function' && designType.name ? designType.name : String(designType);
  throw new RouteDefinitionError(
    `${where}: ${decorator} is declared as ${declared}, but request values arrive as text; ` +
      'declare it as string, number or boolean (numbers and booleans are converted)',
  );
}

/**
 * The converter for `type`, built once at boot, or null when the raw string is what the handler
 * gets. `label` names the value in the validation error, e.g. `query parameter "limit"`.
 */
export function requestValueConverter(type: RequestValueType, name: string, label: string): RequestValueConverter | null {
  switch (type) {
    case 'string':
      return null;
    case 'number':
      return function toNumber(raw) {
        if (raw === undefined) return undefined;
        const value = DECIMAL.test(raw) ? Number(raw) : NaN;
        if (Number.isFinite(value)) return value;
        throw invalid(name, label, 'isNumber', `${label} must be a number, got ${quote(raw)}`);
      };
    case 'boolean':
      return function toBoolean(raw) {
        if (raw === undefined) return undefined;
        const value = BOOLEANS[raw];
        if (value !== undefined) return value;
        throw invalid(name, label, 'isBoolean', `${label} must be true, false, 1 or 0, got ${quote(raw)}`);
      };
  }
}

function invalid(name: string, label: string, constraint: string, message: string): WebSocketValidationError {
  return new WebSocketValidationError(label, [{ property: name, constraints: { [constraint]: message } }]);
}

/** The raw value, cut short: it came from the client and may be long. */
function quote(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
}
