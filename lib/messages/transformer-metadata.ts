import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import type { Logger } from '../logger';

/** A class a message is turned into and validated against (a DTO). */
export type DtoClass<T extends object = object> = new (...args: never[]) => T;

const TRANSFORMER_STORAGE = 'class-transformer/cjs/storage';

// class-transformer keeps `@Type()` records in a singleton it does not re-export from its index.
export const transformerStorage = loadTransformerStorage();
let reportedMissingStorage = false;

/**
 * Warns, once per process, when class-transformer's `@Type()` records cannot be read (its
 * internal layout changed): nested DTOs then count as async, which is correct but slower.
 */
export function warnIfTransformerStorageMissing(logger: Logger, loaded = transformerStorage !== undefined): void {
  if (loaded || reportedMissingStorage) return;
  reportedMissingStorage = true;
  logger.warn(
    { module: TRANSFORMER_STORAGE },
    `could not load ${TRANSFORMER_STORAGE}, so DTOs with nested DTOs are validated asynchronously (slower); ` +
      'install the class-transformer version proapi lists as a peer dependency',
  );
}

const ALL_RECORDS = ['_typeMetadatas', '_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas'];
/** The records that make class-transformer drop or rename plain keys. */
const KEY_RECORDS = ['_exposeMetadatas', '_excludeMetadatas'];

/** Whether class-transformer has any record (`@Type`, `@Transform`, `@Expose`, `@Exclude`) for `dto` or its ancestors. */
export function hasTransformerMetadata(dto: DtoClass): boolean {
  return hasRecords(dto, ALL_RECORDS);
}

/**
 * Whether class-transformer may copy the plain keys of a `dto` message other than one to one
 * (`@Expose` can rename a key, `@Exclude` drop one); true when the records cannot be read.
 */
export function mayMapKeys(dto: DtoClass): boolean {
  return hasRecords(dto, KEY_RECORDS);
}

/** Whether `@Transform()` is on `property` of `dto` (its value then may take any shape). */
export function transformsProperty(dto: DtoClass, property: string): boolean {
  if (!transformerStorage) return true;
  return transformerStorage.findTransformMetadatas(dto, property, TransformationType.PLAIN_TO_CLASS).length > 0;
}

function hasRecords(dto: DtoClass, keys: readonly string[]): boolean {
  const internals = transformerStorage as unknown as Record<string, unknown> | undefined;
  const maps = keys.map((key) => internals?.[key]);
  // Not the storage this code knows: assume there is metadata, and let class-transformer do the work.
  if (!maps.every((map) => map instanceof Map)) return true;
  for (let cls: unknown = dto; typeof cls === 'function' && cls.prototype !== undefined; cls = Object.getPrototypeOf(cls)) {
    if ((maps as Map<unknown, unknown>[]).some((map) => map.has(cls))) return true;
  }
  return false;
}

function loadTransformerStorage(): TransformerStorage | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal module, see above
    return (require(TRANSFORMER_STORAGE) as { defaultMetadataStorage: TransformerStorage })
      .defaultMetadataStorage;
  } catch {
    return undefined;
  }
}

/** The classes a nested property becomes (`@Type(() => Author)`); undefined when unknowable. */
export function nestedClasses(dto: DtoClass, property: string): DtoClass[] | undefined {
  if (!transformerStorage) return undefined;
  const metadata = transformerStorage.findTypeMetadata(dto, property);
  // Without @Type() the value stays a plain object that no constraint of a class applies to.
  if (!metadata) return [];
  const classes = (metadata.options?.discriminator?.subTypes ?? []).map((subType) => subType.value as DtoClass);
  try {
    const type: unknown = metadata.typeFunction({ newObject: {}, object: {}, property });
    if (typeof type === 'function') classes.push(type as DtoClass);
  } catch {
    // A type function that inspects the real value cannot be resolved at boot.
    return undefined;
  }
  return classes;
}
