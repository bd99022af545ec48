import { plainToInstance, type ClassConstructor, type ClassTransformOptions } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import {
  getMetadataStorage,
  validate,
  validateSync,
  ValidationTypes,
  type ValidationError,
  type ValidatorOptions,
} from 'class-validator';
import type { Logger } from '../logger';
import { WebSocketValidationError, type ValidationDetail } from '../errors/message-errors';

const TRANSFORMER_STORAGE = 'class-transformer/cjs/storage';

/** A class a message is turned into and validated against (a DTO). */
export type DtoClass<T extends object = object> = new (...args: never[]) => T;

/** What validation means unless a gateway or `receiveJson()` call says otherwise. */
export const DEFAULT_VALIDATION: Readonly<ValidatorOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
});

/** The result of a failed check; returned, not thrown, so bad input costs no stack trace. */
export class ValidationFailure {
  constructor(readonly details: readonly ValidationDetail[]) {}
}

const NOT_AN_OBJECT = new ValidationFailure([
  { property: '', constraints: { isObject: 'the message must be a JSON object' } },
]);

/**
 * Turns plain payloads into validated instances of one DTO class. Built once per class at boot.
 * Validation is synchronous (`validateSync`, no promise per message) unless the class, or a
 * nested DTO, uses an async constraint; class-validator's `validateSync` would silently skip those.
 */
export class DtoValidator<T extends object = object> {
  readonly isAsync: boolean;
  private readonly validatorOptions: ValidatorOptions;
  /** No class-transformer decorator and no options: {@link copyPlainly} gives what plainToInstance would. */
  private readonly copiesPlainly: boolean;

  constructor(
    readonly dto: DtoClass<T>,
    validation: ValidatorOptions = {},
    private readonly transformOptions?: ClassTransformOptions,
  ) {
    this.validatorOptions = {
      ...DEFAULT_VALIDATION,
      ...validation,
      // Errors are flattened into details; keeping the target would only retain the message.
      validationError: { target: false, value: false, ...validation.validationError },
    };
    this.isAsync = isAsyncDto(dto);
    this.copiesPlainly = transformOptions === undefined && !hasTransformerMetadata(dto);
  }

  /** Whether validation would reject every message: no decorators while `forbidUnknownValues` is on. */
  get rejectsEverything(): boolean {
    return this.validatorOptions.forbidUnknownValues !== false && !hasValidationMetadata(this.dto);
  }

  /** The payload as a validated instance, or what is wrong with it; a promise only if {@link isAsync}. */
  check(payload: unknown): T | ValidationFailure | Promise<T | ValidationFailure> {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return NOT_AN_OBJECT;
    const instance = this.copiesPlainly
      ? copyPlainly(this.dto, payload)
      : plainToInstance(this.dto as ClassConstructor<T>, payload, this.transformOptions);
    if (this.isAsync) return this.checkAsync(instance);
    return outcome(instance, validateSync(instance, this.validatorOptions));
  }

  /** Like {@link check}, but throws `WebSocketValidationError`. */
  async parse(payload: unknown): Promise<T> {
    const result = await this.check(payload);
    if (result instanceof ValidationFailure) throw new WebSocketValidationError(this.dto.name, result.details);
    return result;
  }

  private async checkAsync(instance: T): Promise<T | ValidationFailure> {
    return outcome(instance, await validate(instance, this.validatorOptions));
  }
}

const sharedValidators = new WeakMap<DtoClass, DtoValidator>();

/**
 * The validator `receiveJson(dto, options)` uses: built once per class for the default options.
 * Loop-style handlers have no boot check, so a DTO that could never pass fails here, at first use.
 * @throws TypeError
 */
export function receiveValidatorFor<T extends object>(
  dto: DtoClass<T>,
  options: { validation?: ValidatorOptions; transform?: ClassTransformOptions } = {},
): DtoValidator<T> {
  const custom = options.validation !== undefined || options.transform !== undefined;
  let validator = custom ? undefined : (sharedValidators.get(dto) as DtoValidator<T> | undefined);
  if (validator) return validator;
  validator = new DtoValidator(dto, options.validation, options.transform);
  if (validator.rejectsEverything) {
    throw new TypeError(
      `receiveJson(${dto.name}): ${dto.name} has no class-validator decorators, so forbidUnknownValues would ` +
        'reject every message. Decorate its properties (e.g. @IsString()), or call receiveJson() without a class ' +
        'for unvalidated JSON',
    );
  }
  if (!custom) sharedValidators.set(dto, validator);
  return validator;
}

function outcome<T>(instance: T, errors: ValidationError[]): T | ValidationFailure {
  return errors.length === 0 ? instance : new ValidationFailure(flattenValidationErrors(errors, '', []));
}

/** class-validator's error tree as a flat list with dotted property paths. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  prefix: string,
  out: ValidationDetail[],
): ValidationDetail[] {
  for (const error of errors) {
    const property = error.property === undefined ? prefix : prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out.push({ property, constraints: error.constraints });
    if (error.children && error.children.length > 0) flattenValidationErrors(error.children, property, out);
  }
  return out;
}

/** Whether `dto`, or a class it extends, puts a class-validator decorator on property `name`. */
export function validatesProperty(dto: DtoClass, name: string): boolean {
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .some((metadata) => metadata.propertyName === name);
}

function hasValidationMetadata(dto: DtoClass): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;
}

const asyncDtos = new WeakMap<DtoClass, boolean>();

/** Whether validating `dto` needs class-validator's async `validate()`; computed once per class. */
function isAsyncDto(dto: DtoClass): boolean {
  let isAsync = asyncDtos.get(dto);
  if (isAsync === undefined) asyncDtos.set(dto, (isAsync = hasAsyncConstraints(dto, new Set())));
  return isAsync;
}

function hasAsyncConstraints(dto: DtoClass, seen: Set<DtoClass>): boolean {
  if (seen.has(dto)) return false;
  seen.add(dto);
  const storage = getMetadataStorage();
  for (const metadata of storage.getTargetValidationMetadatas(dto, '', true, false)) {
    switch (metadata.type) {
      case ValidationTypes.PROMISE_VALIDATION:
        return true;
      case ValidationTypes.CUSTOM_VALIDATION:
        if (storage.getTargetValidatorConstraints(metadata.constraintCls).some((c) => c.async)) return true;
        break;
      case ValidationTypes.NESTED_VALIDATION: {
        const nested = nestedClasses(dto, metadata.propertyName);
        if (nested === undefined || nested.some((cls) => hasAsyncConstraints(cls, seen))) return true;
        break;
      }
    }
  }
  return false;
}

// class-transformer keeps `@Type()` records in a singleton it does not re-export from its index.
const transformerStorage = loadTransformerStorage();
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

/**
 * `plainToInstance(dto, payload)` for a class without class-transformer decorators, at a fraction
 * of the cost (the generic transformer looks metadata up for every key of every message: a
 * quarter of `@OnMessage` dispatch in the profile). Same rules: `new dto()`, then the payload's
 * own keys except `__proto__` and `constructor`, keys the prototype defines without a setter, and
 * keys that hold a function; nested arrays and objects are copied the same way (for a plain object,
 * the names of Object.prototype's members are the skipped keys).
 */
function copyPlainly<T extends object>(dto: DtoClass<T>, payload: object): T {
  const instance = new (dto as new () => T)() as Record<string, unknown>;
  const prototype = dto.prototype as object;
  for (const key of Object.keys(payload)) {
    if (key === '__proto__' || key === 'constructor' || instance[key] instanceof Function) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor && !descriptor.set) continue;
    instance[key] = copyValue((payload as Record<string, unknown>)[key]);
  }
  return instance as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!(key in Object.prototype)) copy[key] = copyValue((value as Record<string, unknown>)[key]);
  }
  return copy;
}

/** Whether class-transformer has any record (`@Type`, `@Transform`, `@Expose`, `@Exclude`) for `dto` or its ancestors. */
function hasTransformerMetadata(dto: DtoClass): boolean {
  const internals = transformerStorage as unknown as Record<string, unknown> | undefined;
  const maps = ['_typeMetadatas', '_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas'].map((key) => internals?.[key]);
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
function nestedClasses(dto: DtoClass, property: string): DtoClass[] | undefined {
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
