import { RouteDefinitionError } from '../errors';
import { readOwnRecord } from '../metadata/metadata-store';
import { MetadataKey, type EmitsRecord } from '../metadata/records';
import type { PushDescriptor } from './route-descriptor';

/**
 * The pushes a gateway declares with `@Emits()`, its base classes' included (a subclass's
 * declaration of a type replaces its parent's), ordered by type.
 */
export function collectEmits(cls: object, className: string): PushDescriptor[] {
  const lineage: object[] = [];
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) lineage.unshift(c);
  const byType = new Map<string, PushDescriptor>();
  for (const c of lineage) {
    const record = readOwnRecord<EmitsRecord>(MetadataKey.EMITS, c);
    if (!record) continue;
    for (const [type, payload] of Object.entries(record.pushes)) {
      if (type === 'error') {
        throw new RouteDefinitionError(
          `${className}: @Emits() declares a push of type "error", which is reserved for error replies; choose another type`,
        );
      }
      if (typeof payload !== 'function') {
        throw new RouteDefinitionError(
          `${className}: @Emits() maps "${type}" to ${String(payload)}; map each push type to the class of its payload`,
        );
      }
      byType.set(type, { type, payload });
    }
  }
  return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : 1));
}
