import { getMetadataStorage } from 'class-validator';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import type { DtoClass } from '../messages/dto-validator';
import { readPropertyType } from '../metadata/metadata-store';
import { isRef, type JsonSchema, type SchemaRef } from './json-schema';

type SchemaGenerator = typeof import('class-validator-jsonschema').targetConstructorToSchema;

// class-transformer keeps `@Type()` records in a singleton it does not re-export from its index.
const TRANSFORMER_STORAGE = 'class-transformer/cjs/storage';

/**
 * The JSON Schemas of DTO classes, from their class-validator decorators (through
 * `class-validator-jsonschema`), each under a unique name: the class's, or `Name2`, `Name3` for
 * different classes of the same name. Nested DTOs (`@ValidateNested() @Type(() => Author)`) are
 * added as they are met and referenced by `$ref`.
 */
export class DtoSchemas {
  /** By unique name, in the order first met. */
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly names = new Map<DtoClass, string>();
  private readonly generate: SchemaGenerator;
  private readonly transformerStorage: TransformerStorage | undefined;

  /** `refPrefix` is where the document keeps `schemas`, e.g. `#/components/schemas/`. */
  constructor(private readonly refPrefix: string) {
    this.generate = loadGenerator();
    this.transformerStorage = loadTransformerStorage();
  }

  /** A `$ref` to the schema of `dto`, which is added (with the DTOs it nests) if it is new. */
  ref(dto: DtoClass): SchemaRef {
    return { $ref: this.refPrefix + this.nameOf(dto) };
  }

  /** The unique name `dto`'s schema has (or gets). */
  nameOf(dto: DtoClass): string {
    const known = this.names.get(dto);
    if (known !== undefined) return known;
    const name = this.uniqueName(dto.name || 'Anonymous');
    this.names.set(dto, name);
    this.schemas[name] = {}; // reserved first: a DTO that nests itself refers to its own name
    this.schemas[name] = this.schemaOf(dto);
    return name;
  }

  private schemaOf(dto: DtoClass): JsonSchema {
    const generated = this.generate(dto, {
      classValidatorMetadataStorage: getMetadataStorage(),
      classTransformerMetadataStorage: this.transformerStorage,
      refPointerPrefix: this.refPrefix,
    }) as JsonSchema;
    if (generated.properties === undefined) {
      return { type: 'object', description: `${dto.name} declares no class-validator decorators, so its fields are not described.` };
    }
    const properties = generated.properties as Record<string, JsonSchema>;
    for (const key of Object.keys(properties)) properties[key] = this.resolveNested(properties[key], dto, key) as JsonSchema;
    return { title: dto.name, ...generated };
  }

  /** Points the `$ref`s the generator wrote (by class name) at the nested class's unique name. */
  private resolveNested(schema: unknown, owner: DtoClass, property: string): unknown {
    if (Array.isArray(schema)) return schema.map((item) => this.resolveNested(item, owner, property));
    if (typeof schema !== 'object' || schema === null) return schema;
    if (isRef(schema)) {
      const nested = this.nestedClass(owner, property);
      // `@ValidateNested()` on an array without `@Type()`: nothing says what the items are.
      return nested === undefined ? {} : this.ref(nested);
    }
    const copy: JsonSchema = {};
    for (const [keyword, value] of Object.entries(schema)) copy[keyword] = this.resolveNested(value, owner, property);
    return copy;
  }

  private nestedClass(owner: DtoClass, property: string): DtoClass | undefined {
    const declared = this.transformerStorage?.findTypeMetadata(owner, property)?.typeFunction();
    const type = declared ?? readPropertyType(owner.prototype as object, property);
    if (typeof type !== 'function' || type === Array || type === Object) return undefined;
    return type as DtoClass;
  }

  private uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.-]/g, '_');
    let name = clean;
    for (let n = 2; name in this.schemas; n++) name = `${clean}${n}`;
    return name;
  }
}

function loadGenerator(): SchemaGenerator {
  // Loaded on first use: apps that never describe themselves never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('class-validator-jsonschema') as typeof import('class-validator-jsonschema')).targetConstructorToSchema;
}

function loadTransformerStorage(): TransformerStorage | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal module, see above
    return (require(TRANSFORMER_STORAGE) as { defaultMetadataStorage?: TransformerStorage }).defaultMetadataStorage;
  } catch {
    return undefined;
  }
}
