// A program (or an option) the SQL back end cannot translate faithfully. It is thrown instead of
// ever emitting SQL whose meaning differs from the runtime's (LANGUAGE.md §9): the message names
// the construct, where it is used, and the dialect.

export class SqlCompileError extends Error {
  constructor(
    message: string,
    /** The construct that has no faithful translation, e.g. `is set on an object field`. */
    readonly construct: string,
    readonly dialect: string,
  ) {
    super(message);
    this.name = 'SqlCompileError';
  }
}
