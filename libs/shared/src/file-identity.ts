import { statSync } from 'node:fs';

const CHECK_EVERY_MS = 250;

/**
 * Notices when a store's file disappears or is replaced under an open handle (a volume
 * unmounted, a file moved or restored): SQLite would go on serving the old, unlinked file. The
 * check is a `stat` at most every 250 ms, so it costs nothing on hot paths.
 */
export class FileIdentity {
  private readonly inode: number | null;
  private checkedAt = 0;
  private present = true;

  constructor(private readonly filename: string) {
    this.inode = filename === ':memory:' ? null : statSync(filename).ino;
  }

  isPresent(now = Date.now()): boolean {
    if (this.inode === null) return true;
    if (now - this.checkedAt >= CHECK_EVERY_MS) {
      this.checkedAt = now;
      try {
        this.present = statSync(this.filename).ino === this.inode;
      } catch {
        this.present = false;
      }
    }
    return this.present;
  }
}
