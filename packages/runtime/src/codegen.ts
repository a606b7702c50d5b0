// What every code generator of the runtime shares (records-codegen.ts for the record check,
// expr-codegen.ts for expressions): making a function from source where the platform allows it,
// and splicing only text that cannot break out of the source.
//
// Safety: generated code contains no text from the artifact except through JSON.stringify, which
// always yields one string literal (JSON is a subset of ECMAScript), and integers checked to be
// integers; every other value (a number, a Set, a compiled function) is passed in as a parameter.
// Where `new Function` is forbidden (a Content-Security-Policy without 'unsafe-eval', Cloudflare
// Workers) it throws EvalError: the runtime then keeps its generic code, and stops trying, so a
// CSP reports one violation per load rather than one per expression.

/** One load's permission to generate code, shared by everything compiled for that artifact. */
export class Codegen {
  private forbidden: boolean;

  /** `enabled`: LoadOptions.codegen (false never tries). */
  constructor(enabled: boolean) {
    this.forbidden = !enabled;
  }

  /**
   * `new Function(...params, body)`, or undefined where the platform forbids it (it throws
   * EvalError there) or the load asked for no code generation. Any other error, a SyntaxError
   * above all, is a bug in a generator and is thrown, never papered over.
   */
  compile(params: string[], body: string): ((...args: unknown[]) => unknown) | undefined {
    if (this.forbidden) return undefined;
    try {
      return new Function(...params, body) as (...args: unknown[]) => unknown;
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      this.forbidden = true;
      return undefined;
    }
  }
}

/** A JavaScript string literal for `text`. */
export const literal = (text: string): string => JSON.stringify(text);

/**
 * An object literal's key for `name`: a string literal, so that the literal has a fixed shape that
 * V8 keeps alive in its boilerplate. A computed key (`["fit"]: …`) instead adds each property by a
 * map transition, which V8 holds only weakly: a full GC that finds no such object alive drops the
 * map, and with it every optimised function that embeds it (a "weak objects" deoptimisation), after
 * which the hot path runs unoptimised until V8 optimises it again. `__proto__` stays computed, since
 * as a plain key it would set the prototype rather than define a property.
 */
export const propertyKey = (name: string): string => (name === '__proto__' ? `[${literal(name)}]` : literal(name));

/** An integer for the source; anything else is a bug, not input to splice. */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`codegen: not an integer: ${n}`);
  return String(n);
}
