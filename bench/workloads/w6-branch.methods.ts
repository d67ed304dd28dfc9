/**
 * The methods of W6, written `async` as users write them: the workload copies
 * this file into the package it builds, beside both manifests, and every
 * contender calls the same compiled functions. Each does next to nothing, so
 * that a run's time is what routes it.
 *
 * `classify` tags x: `big` when x mod 4 is 2 or 3, else `even` or `odd`, so
 * that any four runs in a row take every route. Each handler takes only its own variant; `merge` joins
 * whichever ran (the others are `undefined`) into one number. `dispatch` is
 * the three handlers in one method that routes by itself, for the plan
 * without `branch_on`: it hands `merge` the same object the branch plan's
 * join does. `ifEven`, `ifOdd` and `ifBig` are handlers that take any
 * variant and give `undefined` for the others, for the plan of the branch
 * plan's shape in which every handler runs.
 */
export type Even = { readonly kind: "even"; readonly x: number };
export type Odd = { readonly kind: "odd"; readonly x: number };
export type Big = { readonly kind: "big"; readonly x: number };
export type Classified = Even | Odd | Big;

/** What `merge` receives: the output of the handler that ran, under its name. */
export interface Handled {
  readonly even?: number | undefined;
  readonly odd?: number | undefined;
  readonly big?: number | undefined;
}

/** What `big` takes off: a handler of its own, not the same arithmetic as another's. */
export const BIG = 1000;

export async function classify(x: number): Promise<Classified> {
  if (x % 4 >= 2) return { kind: "big", x };
  return x % 2 === 0 ? { kind: "even", x } : { kind: "odd", x };
}

export async function even(v: Even): Promise<number> {
  return v.x / 2;
}

export async function odd(v: Odd): Promise<number> {
  return 3 * v.x + 1;
}

export async function big(v: Big): Promise<number> {
  return v.x - BIG;
}

export async function merge(handled: Handled): Promise<number> {
  return (handled.even ?? 0) + (handled.odd ?? 0) + (handled.big ?? 0);
}

/** The three handlers in one method, choosing by `kind` itself (the plan without `branch_on`). */
export async function dispatch(v: Classified): Promise<Handled> {
  switch (v.kind) {
    case "even":
      return { even: v.x / 2, odd: undefined, big: undefined };
    case "odd":
      return { even: undefined, odd: 3 * v.x + 1, big: undefined };
    case "big":
      return { even: undefined, odd: undefined, big: v.x - BIG };
  }
}

/** `even` for any variant: `undefined` unless it is `even` (the plan where every handler runs). */
export async function ifEven(v: Classified): Promise<number | undefined> {
  return v.kind === "even" ? v.x / 2 : undefined;
}

/** `odd` for any variant. */
export async function ifOdd(v: Classified): Promise<number | undefined> {
  return v.kind === "odd" ? 3 * v.x + 1 : undefined;
}

/** `big` for any variant. */
export async function ifBig(v: Classified): Promise<number | undefined> {
  return v.kind === "big" ? v.x - BIG : undefined;
}
