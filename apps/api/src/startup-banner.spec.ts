import { loadConfig } from '@pat/shared';
import { startupBanner } from './startup-banner';

describe('startupBanner', () => {
  it('names the embedded files under DATA_DIR', () => {
    const { message, fields } = startupBanner(loadConfig({ DATA_DIR: '/srv/pat' }), 3000);
    expect(fields).toEqual({
      url: 'http://127.0.0.1:3000',
      eventStore: 'SQLite /srv/pat/events.sqlite',
      readModel: 'SQLite /srv/pat/read-model.sqlite',
      sessionStore: 'SQLite /srv/pat/sessions.sqlite',
      signInLimits: "this process's memory",
      dataDir: '/srv/pat',
    });
    expect(message).toBe(
      'Personal Access Token service listening on http://127.0.0.1:3000 (event log: SQLite ' +
        '/srv/pat/events.sqlite; read model: SQLite /srv/pat/read-model.sqlite; sessions: SQLite ' +
        "/srv/pat/sessions.sqlite; sign-in limits: this process's memory)",
    );
    expect(message).not.toContain('\n');
  });

  it('names the servers without user, password or query', () => {
    const { message, fields } = startupBanner(
      loadConfig({
        EVENTSTORE_CONNECTION_STRING: 'esdb://admin:changeit@es1:2113,es2:2113?tls=false',
        MONGODB_URI: 'mongodb+srv://pat:s3cret@cluster.example.net/pat?authSource=admin',
        REDIS_URL: 'rediss://:r3dis@cache:6380/0',
      }),
      3000,
    );
    expect(fields).toMatchObject({
      eventStore: 'EventStoreDB esdb://es1:2113,es2:2113',
      readModel: 'MongoDB mongodb+srv://cluster.example.net/pat',
      sessionStore: 'MongoDB mongodb+srv://cluster.example.net/pat',
      signInLimits: 'Redis rediss://cache:6380/0',
    });
    for (const secret of ['changeit', 's3cret', 'r3dis', 'authSource', 'tls=']) {
      expect(message).not.toContain(secret);
    }
  });

  it('gives a URL one can open when bound to every interface, and brackets IPv6', () => {
    expect(startupBanner(loadConfig({ HOST: '0.0.0.0' }), 8080)).toMatchObject({
      fields: { url: 'http://localhost:8080' },
      message: expect.stringContaining(
        'listening on http://localhost:8080 on all interfaces (0.0.0.0) (event log',
      ),
    });
    expect(startupBanner(loadConfig({ HOST: '::1' }), 8080).fields.url).toBe('http://[::1]:8080');
  });
});
