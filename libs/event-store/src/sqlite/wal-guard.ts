import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';

/** WAL file header: magic (big-endian 0x377f0682 or 0x377f0683), …, salt-1 and salt-2 at 16. */
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
const WAL_MAGIC = [0x377f0682, 0x377f0683];
/** The -shm file opens with two copies of the WAL-index header (48 bytes each), then nBackfill. */
const SHM_HEADER_BYTES = 48;
const SHM_READ_BYTES = 2 * SHM_HEADER_BYTES + 4;

/**
 * Notices that the files of a SQLite database in WAL mode were truncated or replaced under the
 * open connection, before anything more is acknowledged into them (SQLite itself would go on
 * writing frames past the end of a truncated -wal file, into a log no tool can read afterwards).
 *
 * The check compares the -wal file with SQLite's own index of it in the -shm file: the index
 * says how many frames the WAL holds and which salts its header carries, so a WAL shorter than
 * its last uncheckpointed frame, or with another header, was changed by someone else. That holds
 * whoever wrote or checkpointed the file (the CLI shares the log), so SQLite's own checkpoints
 * stay on. It is definitive while the caller holds the write lock (inside BEGIN IMMEDIATE);
 * outside it a concurrent writer may be half way, so `check` then skips what it cannot judge.
 * The main file may only grow (events are never deleted and the log is never vacuumed).
 *
 * The -wal and -shm files are read through descriptors of our own, opened once and closed only
 * after the database: closing any descriptor of a file drops the process's POSIX locks on it,
 * which SQLite holds on the -shm file.
 */
export class WalGuard {
  private readonly walPath: string;
  private readonly shmPath: string;
  private walFd: number | null = null;
  private shmFd: number | null = null;
  private largestMainSize = 0;
  private mainInode: number | null = null;
  private readonly littleEndian = endianness() === 'LE';
  private readonly shm = Buffer.alloc(SHM_READ_BYTES);
  private readonly walHeader = Buffer.alloc(WAL_HEADER_BYTES);

  constructor(private readonly filename: string) {
    this.walPath = `${filename}-wal`;
    this.shmPath = `${filename}-shm`;
  }

  /** Opens the descriptors; call once the connection is in WAL mode and has read the file. */
  open(): void {
    this.walFd = openSync(this.walPath, 'r');
    this.shmFd = openSync(this.shmPath, 'r');
    const main = statSync(this.filename);
    this.largestMainSize = main.size;
    this.mainInode = main.ino;
  }

  /**
   * Whether the main file is still where SQLite writes (not moved away, deleted or replaced):
   * checked on every write, where FileIdentity's cached answer may be 250 ms old. Not damage:
   * the file may come back.
   */
  mainFileProblem(): string | null {
    if (this.mainInode === null) return null;
    const main = statOrNull(this.filename);
    if (!main) return `${this.filename} is missing`;
    return main.ino === this.mainInode ? null : `${this.filename} was replaced`;
  }

  /**
   * What damaged the files, or null; see the class comment for when it is definitive. A main
   * file that is missing is not judged here: it may come back (a volume remounted), and
   * FileIdentity already refuses every call while it is gone.
   */
  check(): string | null {
    if (this.walFd === null || this.shmFd === null) return null;
    const main = statOrNull(this.filename);
    if (main && main.size < this.largestMainSize) {
      return `${this.filename} was truncated (${main.size} bytes, it held ${this.largestMainSize})`;
    }
    if (main) this.largestMainSize = main.size;

    const wal = fstatSync(this.walFd);
    if (statOrNull(this.walPath)?.ino !== wal.ino) {
      return `${this.walPath} was deleted or replaced while the log was open`;
    }
    if (readSync(this.shmFd, this.shm, 0, SHM_READ_BYTES, 0) < SHM_READ_BYTES) return null;
    // Two copies that differ: a writer is updating the index right now (outside the lock).
    if (this.shm.compare(this.shm, SHM_HEADER_BYTES, 2 * SHM_HEADER_BYTES, 0, SHM_HEADER_BYTES)) {
      return null;
    }
    const isInit = this.shm[12];
    const mxFrame = this.u32(16);
    const nBackfill = this.u32(2 * SHM_HEADER_BYTES);
    // No frame that is not in the main file yet: nothing the WAL holds can be lost.
    if (!isInit || mxFrame === 0 || nBackfill >= mxFrame) return null;
    const szPage = this.littleEndian ? this.shm.readUInt16LE(14) : this.shm.readUInt16BE(14);
    const pageSize = szPage === 1 ? 65536 : szPage;
    const expected = WAL_HEADER_BYTES + mxFrame * (pageSize + WAL_FRAME_HEADER_BYTES);
    if (wal.size < expected) {
      return `${this.walPath} was truncated (${wal.size} bytes, its ${mxFrame} frames need ${expected})`;
    }
    if (readSync(this.walFd, this.walHeader, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES) {
      return `${this.walPath} lost its header`;
    }
    const magicOk = WAL_MAGIC.includes(this.walHeader.readUInt32BE(0));
    // The index keeps the header's salts as the raw bytes of the file.
    const saltsMatch = this.walHeader.compare(this.shm, 32, 40, 16, 24) === 0;
    if (!magicOk || !saltsMatch) {
      return `${this.walPath} was overwritten or replaced (its header does not match the index)`;
    }
    return null;
  }

  /** Only after the database connection is closed (see the class comment). */
  close(): void {
    for (const fd of [this.walFd, this.shmFd]) if (fd !== null) closeSync(fd);
    this.walFd = null;
    this.shmFd = null;
  }

  private u32(offset: number): number {
    return this.littleEndian ? this.shm.readUInt32LE(offset) : this.shm.readUInt32BE(offset);
  }
}

function statOrNull(path: string): { size: number; ino: number } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
