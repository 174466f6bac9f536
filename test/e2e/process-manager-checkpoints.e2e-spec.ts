import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { CommandRunner, ProcessManagerRunner } from '@pat/application';
import { UserDeletionProcessManager } from '@pat/identity/user-deletion/user-deletion.process-manager';
import { RevokeTokenCommand } from '@pat/tokens';
import { cli } from '../support/cli';
import { waitFor } from '../support/spawn-server';
import { API, TestApp, createToken, createUser, signIn, startTestApp } from '../support/test-app';

/**
 * Process managers keep their checkpoints beside the event log, not in the disposable read model
 * (docs/adr/0003): rebuilding the read model makes the user-deletion process manager do nothing
 * again — no handled event, no command — while a new deletion is still acted on.
 */
describe('process-manager checkpoints survive a read-model rebuild', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-pm-'));
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('issues no command across rebuild-read-model, and still handles the next deletion', async () => {
    t = await startTestApp({ dataDir });
    let admin = await signIn(t);
    for (const name of ['dana', 'eli']) {
      const user = await createUser(t, admin, { username: name, password: `${name}-password-12` });
      await createToken(t, user.cookie);
      await createToken(t, user.cookie, { name: 'second', expiresInDays: 7 });
      await t.http().delete(`${API}/admin/users/${user.id}`).set('Cookie', admin).expect(204);
    }
    const runner = t.app.get(ProcessManagerRunner);
    await runner.whenCaughtUp();
    await t.close();

    const rebuilt = cli(dataDir, 'rebuild-read-model');
    expect(rebuilt.code).toBe(0);

    // Started with the process managers off, so the counting starts before they do.
    t = await startTestApp({ dataDir, processManagers: false });
    const manager = t.app.get(UserDeletionProcessManager);
    const handled = jest.spyOn(manager, 'handle');
    const commandBus = jest.spyOn(t.app.get(CommandBus), 'execute');
    const commands = jest.spyOn(t.app.get(CommandRunner), 'run');
    const restarted = t.app.get(ProcessManagerRunner);
    await restarted.start();
    await restarted.whenCaughtUp();
    expect(handled).not.toHaveBeenCalled();
    expect(commandBus).not.toHaveBeenCalled();
    expect(commands).not.toHaveBeenCalled();

    // The spies see a new deletion: the process manager is running, not stuck.
    admin = await signIn(t);
    const late = await createUser(t, admin, { username: 'finn', password: 'finn-password-12' });
    const { id } = await createToken(t, late.cookie);
    await t.http().delete(`${API}/admin/users/${late.id}`).set('Cookie', admin).expect(204);
    const revocations = () =>
      commandBus.mock.calls
        .map(([command]) => command)
        .filter((command): command is RevokeTokenCommand => command instanceof RevokeTokenCommand);
    await waitFor(() => revocations().length === 1, 30_000, 'the late user’s token to be revoked');
    expect(handled).toHaveBeenCalledTimes(1);
    expect(revocations().map((command) => [command.tokenId, command.reason])).toEqual([
      [id, 'user_deleted'],
    ]);
  });
});
