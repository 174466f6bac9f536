import { ServedHosts, isLoopback, parseHost } from './allowed-hosts';

describe('ServedHosts', () => {
  it('tells loopback bind addresses apart', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      'localhost',
      '::ffff:127.0.0.1',
    ]) {
      expect({ host, loopback: isLoopback(host) }).toEqual({ host, loopback: true });
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'app.example.com']) {
      expect({ host, loopback: isLoopback(host) }).toEqual({ host, loopback: false });
    }
  });

  it('parses Host values, and refuses what is not one', () => {
    expect(parseHost('Example.COM:8080')).toEqual({ name: 'example.com', port: 8080 });
    expect(parseHost('[::1]:3000')).toEqual({ name: '[::1]', port: 3000 });
    expect(parseHost('localhost')).toEqual({ name: 'localhost', port: null });
    for (const bad of ['', ':80', 'a:b', 'host:99999', '::1', 'a b:1x']) {
      expect({ bad, parsed: parseHost(bad) }).toEqual({ bad, parsed: null });
    }
  });

  it('by default on loopback, serves the loopback names at the listening port only', () => {
    let port: number | null = 4000;
    const hosts = new ServedHosts([], '127.0.0.1', () => port);
    expect(hosts.anyHost).toBe(false);
    for (const host of [
      'localhost:4000',
      '127.0.0.1:4000',
      '[::1]:4000',
      'LOCALHOST:4000',
      'localhost',
    ]) {
      expect({ host, served: hosts.allows(host) }).toEqual({ host, served: true });
    }
    for (const host of ['localhost:4001', 'evil.example:4000', '127.0.0.2:4000', undefined]) {
      expect({ host, served: hosts.allows(host) }).toEqual({ host, served: false });
    }
    // Asked again (answered from what it remembers): the same answers.
    expect(hosts.allows('localhost:4000')).toBe(true);
    expect(hosts.allows('evil.example:4000')).toBe(false);
    port = 5000; // read per request: an ephemeral port that changes is followed
    expect(hosts.allows('localhost:5000')).toBe(true);
    expect(hosts.allows('localhost:4000')).toBe(false);
  });

  it('serves a listed name at any port, a listed name:port at that port', () => {
    const hosts = new ServedHosts(['app.example.com', 'api.example.com:8443'], '0.0.0.0', () => 1);
    expect(hosts.allows('app.example.com:1234')).toBe(true);
    expect(hosts.allows('api.example.com:8443')).toBe(true);
    expect(hosts.allows('api.example.com:8444')).toBe(false);
    expect(hosts.allows('localhost:1')).toBe(false);
  });

  it('serves any host with * or, unset, when not bound to loopback', () => {
    expect(new ServedHosts(['*'], '127.0.0.1', () => 1).allows('whatever')).toBe(true);
    expect(new ServedHosts([], '0.0.0.0', () => 1).anyHost).toBe(true);
  });

  it('compares an Origin with the served hosts, or with the request Host when any is served', () => {
    const listed = new ServedHosts(['app.example.com'], '0.0.0.0', () => 1);
    expect(listed.allowsOrigin('https://app.example.com', 'evil.example')).toBe(true);
    expect(listed.allowsOrigin('https://evil.example', 'evil.example')).toBe(false);
    expect(listed.allowsOrigin('ftp://app.example.com', 'app.example.com')).toBe(false);
    expect(listed.allowsOrigin('not a url', 'app.example.com')).toBe(false);

    const any = new ServedHosts([], '0.0.0.0', () => 1);
    expect(any.allowsOrigin('http://host.example:8080', 'host.example:8080')).toBe(true);
    expect(any.allowsOrigin('http://other.example:8080', 'host.example:8080')).toBe(false);
  });
});
