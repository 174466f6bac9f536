import type { Strategy } from 'passport';

/** How a Passport strategy ended: it calls exactly one of its actions. */
export type StrategyOutcome =
  | { readonly kind: 'success'; readonly user: unknown }
  | { readonly kind: 'fail'; readonly challenge: string | undefined; readonly status: number }
  | { readonly kind: 'error'; readonly error: unknown };

interface StrategyRun {
  settle(outcome: StrategyOutcome): void;
  authenticate(request: unknown, options?: object): void;
}

/** The actions, once per strategy, on an object that inherits from it. */
const withActions = new WeakMap<Strategy, object>();

function actionsOf(strategy: Strategy): object {
  let actions = withActions.get(strategy);
  if (!actions) {
    actions = Object.assign(Object.create(strategy) as object, {
      success(this: StrategyRun, user: unknown) {
        this.settle({ kind: 'success', user });
      },
      // fail(status) and fail(challenge, status) are both allowed; passport defaults to 401.
      fail(this: StrategyRun, challenge?: unknown, status?: number) {
        this.settle(
          typeof challenge === 'number'
            ? { kind: 'fail', challenge: undefined, status: challenge }
            : {
                kind: 'fail',
                challenge: typeof challenge === 'string' ? challenge : undefined,
                status: status ?? 401,
              },
        );
      },
      error(this: StrategyRun, error: unknown) {
        this.settle({ kind: 'error', error });
      },
      // A bearer strategy never passes or redirects; if one did, nobody was authenticated.
      pass(this: StrategyRun) {
        this.settle({ kind: 'fail', challenge: undefined, status: 401 });
      },
      redirect(this: StrategyRun) {
        this.settle({ kind: 'fail', challenge: undefined, status: 401 });
      },
    });
    withActions.set(strategy, actions);
  }
  return actions;
}

/**
 * Runs a Passport strategy on one request the way `passport.authenticate()` does: the strategy's
 * own `authenticate()` on an object that inherits from the strategy and carries the actions
 * (success, fail, error, pass, redirect) — the Strategy contract of `passport-strategy`. What it
 * leaves out is the middleware around it (per-request closures, `req.logIn`, session and
 * callback plumbing, and @nestjs/passport's guard wrapper), which cost more CPU per request than
 * the whole token check (bench/results.md).
 */
export function runStrategy(strategy: Strategy, request: unknown): Promise<StrategyOutcome> {
  return new Promise((resolve) => {
    const run = Object.create(actionsOf(strategy)) as StrategyRun;
    run.settle = resolve;
    try {
      run.authenticate(request);
    } catch (error) {
      resolve({ kind: 'error', error });
    }
  });
}
