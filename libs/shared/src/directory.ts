import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates a folder and its missing parents, like `mkdirSync(path, { recursive: true })`, which
 * it replaces: Node's recursive mkdir loops forever at 100 % CPU when mkdir answers ENOENT for a
 * folder whose parent exists (under /proc, /sys, some FUSE and network mounts). Here every level
 * is made at most once, so each problem is an error with its code: ENOENT, EACCES, EROFS, EPERM,
 * or ENOTDIR when the path (or a parent) is a file.
 */
export function ensureDirectory(path: string): void {
  const target = resolve(path);
  try {
    mkdirSync(target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return assertDirectory(target);
    if (code !== 'ENOENT') throw error;
  }
  const parent = dirname(target);
  if (parent === target) throw notADirectory(target);
  ensureDirectory(parent);
  try {
    // Once only: an ENOENT now (the parent exists) is the answer, never a reason to loop.
    mkdirSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return assertDirectory(target);
    throw error;
  }
}

function assertDirectory(path: string): void {
  if (!statSync(path).isDirectory()) throw notADirectory(path);
}

function notADirectory(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: 'ENOTDIR',
    syscall: 'mkdir',
    path,
  });
}
