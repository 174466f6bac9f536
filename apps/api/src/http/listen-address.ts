import { lookup } from 'node:dns/promises';

/** The address to listen on cannot be used; the message is the one line, naming HOST or PORT. */
export class ListenAddressError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ListenAddressError';
  }
}

/**
 * Resolves HOST before any store is opened or waited for: a HOST that names nothing is reported
 * at once, in one line naming it, not after the store waits. (No trial bind of PORT: a socket
 * that listens, however briefly, would accept connections of a service that is not up.)
 */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  try {
    await lookup(host);
  } catch (error) {
    throw listenAddressError(error, host, port) ?? error;
  }
}

/** The one line for an error of listening on HOST:PORT, or null when it is none of those. */
export function listenAddressError(
  error: unknown,
  host: string,
  port: number,
): ListenAddressError | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const line = (text: string) => new ListenAddressError(text, { cause: error });
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return line(
        `HOST ${host} cannot be resolved (getaddrinfo ${code}): set HOST to an address or name ` +
          'of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
      );
    case 'EADDRNOTAVAIL':
      return line(
        `HOST ${host} is not an address of this machine (EADDRNOTAVAIL): set HOST to one of ` +
          'its addresses, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
      );
    case 'EADDRINUSE':
      return line(
        `PORT ${port} is already in use on ${host} (EADDRINUSE): stop the process that holds ` +
          'it or set PORT to a free port',
      );
    case 'EACCES':
      return line(
        `PORT ${port} on ${host} needs a privilege this process lacks (EACCES): set PORT to ` +
          '1024 or above',
      );
    default:
      return null;
  }
}
