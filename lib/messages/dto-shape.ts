import type { ClassTransformOptions } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type ValidatorOptions } from 'class-validator';
import type { ValidationDetail } from '../errors/message-errors';
import { mayMapKeys, nestedClasses, transformsProperty, type DtoClass } from './transformer-metadata';

/** Transform options that copy plain keys one to one, as the shape assumes. */
const KEY_PRESERVING_TRANSFORM_OPTIONS = new Set(['enableImplicitConversion', 'exposeDefaultValues', 'exposeUnsetFields']);
const IS_OPTIONAL = 'isOptional';

type Metadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** Unknown keys a walk found: the first few as details, and how many in all. */
export interface UnknownKeys {
  readonly details: ValidationDetail[];
  count: number;
}

/**
 * The keys messages of one DTO class may have, known at boot: the properties class-validator's
 * whitelist accepts and, for a nested DTO (`@ValidateNested() @Type(() => Author)`), its keys
 * too. With it a message's unknown keys are found before class-transformer copies them, whose
 * cost grows with the square of one object's keys (`Array#indexOf` to de-duplicate them): 110k
 * keys took 7.6 s. It reports only keys the whitelist would also reject: keys that the transform
 * skips (the prototype's members, instance fields holding functions) are left alone.
 */
export class DtoShape {
  private constructor(
    /** Whitelisted property → the shape of its value, or null where the value is not checked. */
    private readonly properties: Map<string, DtoShape | null>,
    private readonly prototype: object,
    private readonly functionFields: ReadonlySet<string>,
  ) {}

  /**
   * The shape of `dto` messages under these options, or null when unknown keys cannot be told
   * before the transform: no whitelist, key-mapping transform options or `@Expose`/`@Exclude`,
   * or no validation metadata.
   */
  static of(dto: DtoClass, validation: ValidatorOptions, transform: ClassTransformOptions | undefined): DtoShape | null {
    if (validation.whitelist !== true) return null;
    if (transform && Object.keys(transform).some((option) => !KEY_PRESERVING_TRANSFORM_OPTIONS.has(option))) return null;
    return DtoShape.build(dto, validation, new Map());
  }

  private static build(dto: DtoClass, validation: ValidatorOptions, seen: Map<DtoClass, DtoShape | null>): DtoShape | null {
    const known = seen.get(dto);
    if (known !== undefined) return known;
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(
      dto,
      '',
      validation.always ?? false,
      validation.strictGroups ?? false,
      validation.groups,
    );
    const functionFields = metadatas.length > 0 && !mayMapKeys(dto) ? functionFieldsOf(dto) : null;
    if (functionFields === null) {
      seen.set(dto, null);
      return null;
    }
    const shape = new DtoShape(new Map(), dto.prototype as object, functionFields);
    // Registered before its properties are filled in, so a DTO that nests itself terminates.
    seen.set(dto, shape);
    const byProperty = new Map<string, Metadata[]>();
    for (const metadata of metadatas) byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
    for (const [property, propertyMetadatas] of byProperty) {
      shape.properties.set(property, DtoShape.nested(dto, property, propertyMetadatas, validation, seen));
    }
    return shape;
  }

  /**
   * The shape of a property's value where class-validator checks it as a DTO: `@ValidateNested()`
   * with one `@Type()` class, validated unconditionally (`@ValidateIf` may skip it), not reshaped
   * by `@Transform()`. Else null: the value is not walked.
   */
  private static nested(
    dto: DtoClass,
    property: string,
    metadatas: readonly Metadata[],
    validation: ValidatorOptions,
    seen: Map<DtoClass, DtoShape | null>,
  ): DtoShape | null {
    if (!metadatas.some((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION)) return null;
    const conditional = metadatas.some((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION && m.name !== IS_OPTIONAL);
    // stopAtFirstError skips nested validation when the property has another failure.
    if (conditional || validation.stopAtFirstError || transformsProperty(dto, property)) return null;
    const classes = nestedClasses(dto, property);
    return classes?.length === 1 ? DtoShape.build(classes[0], validation, seen) : null;
  }

  /** Walks `payload`; counts unknown keys, keeping the first `keep` as details, or deletes them with `strip`. */
  findUnknownKeys(payload: object, keep: number, strip: boolean): UnknownKeys {
    const found: UnknownKeys = { details: [], count: 0 };
    this.walk(payload as Record<string, unknown>, '', found, keep, strip);
    return found;
  }

  private walk(object: Record<string, unknown>, path: string, found: UnknownKeys, keep: number, strip: boolean): void {
    for (const key of Object.keys(object)) {
      const child = this.properties.get(key);
      if (child !== undefined) {
        if (child !== null) child.walkValue(object[key], join(path, key), found, keep, strip);
      } else if (!(key in this.prototype) && !this.functionFields.has(key)) {
        if (strip) {
          delete object[key];
        } else if (found.count++ < keep) {
          // What class-validator's whitelist says, with the same dotted path.
          found.details.push({ property: join(path, key), constraints: { whitelistValidation: `property ${key} should not exist` } });
        }
      }
    }
  }

  /** Nested DTOs: an object, or an array (of arrays) of them, as class-validator's @ValidateNested walks them. */
  private walkValue(value: unknown, path: string, found: UnknownKeys, keep: number, strip: boolean): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.walkValue(value[i], join(path, String(i)), found, keep, strip);
    } else if (typeof value === 'object' && value !== null) {
      this.walk(value as Record<string, unknown>, path, found, keep, strip);
    }
  }
}

/** Instance fields holding functions (`onX = () => ...`): the transform skips such keys. Null if `new dto()` throws. */
function functionFieldsOf(dto: DtoClass): Set<string> | null {
  const fields = new Set<string>();
  try {
    const probe = new (dto as new () => Record<string, unknown>)();
    for (const key of Object.keys(probe)) if (typeof probe[key] === 'function') fields.add(key);
  } catch {
    return null;
  }
  return fields;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
