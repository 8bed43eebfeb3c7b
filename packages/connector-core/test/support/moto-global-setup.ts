/**
 * Vitest global setup: one moto_server for the whole test run, shared by every test file of every
 * package. Its endpoint and fake credentials go into `process.env` before the workers start, so a
 * plain `new S3Client({ forcePathStyle: true })` in any test talks to moto, never to real AWS.
 */
import { startMoto } from '../../src/testing/moto.js';

/** Starts moto and exports its environment; the returned function stops it and restores the environment. */
export default async function setup(): Promise<() => Promise<void>> {
  const moto = await startMoto();
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(moto.env)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return async () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await moto.stop();
  };
}
