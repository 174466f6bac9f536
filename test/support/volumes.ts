import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs of the test's own, for real full-disk and read-only faults. Throws (so the suite
 * fails loudly, never skips) where it cannot be mounted: these tests need root.
 */
export function mountTmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pat-volume-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return dir;
}

export function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** Writes zeros until the volume has no byte left. */
export function fillUntilFull(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        break;
      }
    }
    // The last partial chunk: byte by byte into what is left.
    for (;;) {
      try {
        if (writeSync(fd, chunk, 0, 512) === 0) break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
}
