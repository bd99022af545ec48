/** Where a CLI run reads and writes; the binary passes the process's, specs pass their own. */
export interface CliIO {
  /** The directory relative paths are resolved from. */
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * The ProAPI checkout that `proapi new` packs for the new project; `null` acts as a published
   * package (writes `^<version>`). Default: detected from where this CLI runs.
   */
  readonly proapiCheckout?: string | null;
  /** Loads the project's app module; default: `require`, with ts-node registered for `.ts` files. */
  loadModule?(file: string): unknown;
}
