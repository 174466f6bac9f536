import { InMemoryRuntime, inMemoryRuntime } from '@pat/application/testing/in-memory-runtime';
import { FailureLimiter, SessionService, SqliteSessionStore } from '@pat/auth';
import { AppConfig, ManualClock, loadConfig, systemContext } from '@pat/shared';
import { CreateUserHandler } from '../create-user/create-user.handler';
import { CreateUserCommand } from '../create-user/create-user.command';
import { PasswordAttempts } from '../password-attempts';
import { PasswordHasher } from '../password-hasher';
import { projectUserEvents } from '../projections/user.projection';
import type { UserView } from '../user-view';

/** What the password use cases run on in a spec: see {@link signInFixture}. */
export interface SignInWorld {
  readonly config: AppConfig;
  readonly runtime: InMemoryRuntime;
  readonly clock: ManualClock;
  readonly sessions: SessionService;
  readonly attempts: PasswordAttempts;
  readonly passwords: PasswordHasher;
  /** Creates a user through the real create handler (password hashed, event projected). */
  createUser(
    username: string,
    password: string,
    options?: { passwordChangeRequired?: boolean },
  ): Promise<UserView>;
}

/**
 * For a describe block of specs on signing in and proving a password: for each test a fresh
 * in-memory event log and read model (the user projection), an in-memory session store, and a
 * failure limiter with small limits; one real Argon2 hasher for the whole block.
 */
export function signInFixture(limits: { perUsername: number; perClient: number }) {
  const config = loadConfig({
    LOGIN_FAILURE_LIMIT: String(limits.perUsername),
    LOGIN_CLIENT_FAILURE_LIMIT: String(limits.perClient),
  });
  let passwords: PasswordHasher;
  let current: SignInWorld | null = null;
  let store: SqliteSessionStore | null = null;
  beforeAll(() => {
    passwords = new PasswordHasher();
  });
  afterAll(() => passwords.onModuleDestroy());
  beforeEach(() => {
    const runtime = inMemoryRuntime([projectUserEvents]);
    store = new SqliteSessionStore({ filename: ':memory:' });
    const sessions = new SessionService(store, runtime.readModel, runtime.clock, config);
    const creator = new CreateUserHandler(runtime.commands, passwords);
    current = {
      config,
      runtime,
      clock: runtime.clock,
      sessions,
      attempts: new PasswordAttempts(passwords, new FailureLimiter(config)),
      passwords,
      createUser: (username, password, options = {}) =>
        creator.execute(
          new CreateUserCommand(
            {
              username,
              password,
              name: null,
              email: null,
              isAdmin: false,
              isAuditor: false,
              passwordChangeRequired: options.passwordChangeRequired,
            },
            systemContext(),
          ),
        ),
    };
  });
  afterEach(async () => {
    await store?.close();
    await current?.runtime.close();
    current = null;
  });
  return {
    get world(): SignInWorld {
      if (!current) throw new Error('signInFixture is used outside a test');
      return current;
    },
  };
}
