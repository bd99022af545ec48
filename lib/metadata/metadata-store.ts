import 'reflect-metadata';

/* The only module that touches Reflect: decorators append here, the scanner reads here. */

/** Appends a record to the list stored under `key` on `target` itself (not its prototypes). */
export function appendRecord<T>(key: string, target: object, record: T): void {
  const existing = Reflect.getOwnMetadata(key, target) as T[] | undefined;
  if (existing) existing.push(record);
  else Reflect.defineMetadata(key, [record], target);
}

/** Stores a single record under `key` on `target`, replacing any earlier one. */
export function setRecord<T>(key: string, target: object, record: T): void {
  Reflect.defineMetadata(key, record, target);
}

export function readOwnRecords<T>(key: string, target: object): readonly T[] {
  return (Reflect.getOwnMetadata(key, target) as T[] | undefined) ?? [];
}

export function readOwnRecord<T>(key: string, target: object): T | undefined {
  return Reflect.getOwnMetadata(key, target) as T | undefined;
}

/** The parameter types TypeScript emitted for a method (`emitDecoratorMetadata`). */
export function readParamTypes(target: object, propertyKey: string | symbol): readonly unknown[] {
  return (Reflect.getMetadata('design:paramtypes', target, propertyKey) as unknown[] | undefined) ?? [];
}

/** The type TypeScript emitted for a decorated property (`emitDecoratorMetadata`), if any. */
export function readPropertyType(target: object, propertyKey: string | symbol): unknown {
  return Reflect.getMetadata('design:type', target, propertyKey) as unknown;
}
