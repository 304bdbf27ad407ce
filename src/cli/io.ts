import os from 'node:os';
import { loadConfig, type Config } from '../config/config.js';
import { createContext, type AppContext } from '../context.js';
import { systemActor, type SystemActor } from '../domain/auth/actor.js';

/** Where a command writes: injectable so tests run commands in-process and read their output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** Standard input is a pipe or file, not a terminal: a secret can be read from it unseen. */
  stdinIsPiped?(): boolean;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  stdinIsPiped: () => !process.stdin.isTTY,
};

export interface GlobalOptions {
  data?: string;
  json?: boolean;
}

export function configFrom(options: GlobalOptions, extra: Partial<Config> = {}): Config {
  return loadConfig(process.env, { ...(options.data ? { dataDir: options.data } : {}), ...extra });
}

/** Runs `work` with a migrated context and closes it whatever happens. */
export async function withContext<T>(options: GlobalOptions, work: (context: AppContext) => Promise<T>): Promise<T> {
  const context = await createContext(configFrom(options));
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}

/** The operator at the shell: an actor that policies let through, named in the audit log. */
export function operator(): SystemActor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // Containers without a passwd entry.
  }
  return systemActor(`cli:${user}@${os.hostname()}`);
}

/** What other people wrote (vendors' names, mailed replies, fetched files) reaches a terminal: control characters are shown escaped, never sent. */
export const printable = (line: string) => line.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Prints data as JSON with --json, or as the given text. */
export function print(io: CliIO, options: GlobalOptions, data: unknown, text: () => string): void {
  io.out(options.json ? JSON.stringify(data, null, 2) : text());
}
