/** One file a generator writes: its path relative to the project root, and its content. */
export interface TemplateFile {
  readonly path: string;
  readonly content: string;
}

/** What the project templates are filled with. */
export interface ProjectTemplateOptions {
  /** The npm package name of the new project. */
  readonly name: string;
  /** The dependency spec written for proapi, e.g. `^0.1.0` or `file:../proapi-0.1.0.tgz`. */
  readonly proapiSpec: string;
}
