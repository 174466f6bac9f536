import type { NextFunction, Request, Response } from 'express';

/** A host name (lower case; IPv6 in brackets) and, when given, a port. */
interface HostEntry {
  readonly name: string;
  readonly port: number | null;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** Served `Host` values remembered (see ServedHosts.known). */
const MAX_KNOWN = 32;

/** Whether the address the server binds to is loopback-only. */
export function isLoopback(bindHost: string): boolean {
  const host = bindHost.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`, lower-cased; null when it is none of these. */
export function parseHost(value: string): HostEntry | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim().toLowerCase());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  return { name: match[1], port };
}

/**
 * The `Host` values this server answers to (ALLOWED_HOSTS), which closes DNS rebinding: a page
 * on another name that resolves to this server sends that name as Host and is refused. Unset and
 * bound to loopback: the loopback names at the port the server listens on (read per request, so
 * ephemeral ports work); unset otherwise, or `*`: any host.
 */
export class ServedHosts {
  private readonly configured: readonly HostEntry[] | null;
  readonly anyHost: boolean;

  constructor(
    allowedHosts: readonly string[],
    bindHost: string,
    /** The port the server listens on now (null while it does not). */
    private readonly listeningPort: () => number | null,
  ) {
    if (allowedHosts.includes('*')) {
      this.anyHost = true;
      this.configured = null;
    } else if (allowedHosts.length > 0) {
      this.anyHost = false;
      this.configured = allowedHosts
        .map(parseHost)
        .filter((entry): entry is HostEntry => entry !== null);
    } else {
      this.anyHost = !isLoopback(bindHost);
      this.configured = null;
    }
  }

  /**
   * `Host` values already found served at `knownPort`: every request asks, and almost all send
   * one of a few values, so they pay one lookup instead of a parse. Only served values are kept
   * (refused ones could be anything), and at most MAX_KNOWN of them.
   */
  private readonly known = new Set<string>();
  private knownPort: number | null = null;

  /** Whether a request whose `Host` header is `host` is served. */
  allows(host: string | undefined): boolean {
    if (this.anyHost) return true;
    if (host === undefined) return false;
    const port = this.configured ? null : this.listeningPort();
    if (port !== this.knownPort) {
      this.known.clear();
      this.knownPort = port;
    }
    if (this.known.has(host)) return true;
    const served = this.matches(host);
    if (served && this.known.size < MAX_KNOWN) this.known.add(host);
    return served;
  }

  private matches(host: string): boolean {
    const asked = parseHost(host);
    if (!asked) return false;
    return this.entries().some(
      (entry) =>
        entry.name === asked.name &&
        // A Host without port is the scheme's default port, as a proxy or TLS terminator in
        // front sends it; rebinding is about the name, which must match.
        (entry.port === null || asked.port === null || entry.port === asked.port),
    );
  }

  /**
   * Whether a browser Origin is one of the served hosts. With any host served there is no list to
   * compare with, and the request's own Host stands in (the check before ALLOWED_HOSTS).
   */
  allowsOrigin(origin: string, requestHost: string | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
      return false;
    }
    if (this.anyHost) return requestHost !== undefined && url.host === requestHost.toLowerCase();
    return this.allows(url.host);
  }

  private entries(): readonly HostEntry[] {
    if (this.configured) return this.configured;
    const port = this.listeningPort();
    if (port === null) return [];
    return LOOPBACK_NAMES.map((name) => ({ name, port }));
  }
}

/** Refuses, before any routing, a request whose Host is not served: 403, JSON. */
export function servedHostsOnly(hosts: ServedHosts) {
  return (request: Request, response: Response, next: NextFunction) => {
    const host = request.headers.host;
    if (hosts.allows(host)) return next();
    response.status(403).json({
      statusCode: 403,
      error: 'Forbidden',
      message: `Host "${printable(host ?? '')}" is not served here (ALLOWED_HOSTS)`,
    });
  };
}

/** The Host as sent, cut short and without control characters, to name it in the answer. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f"\\]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
