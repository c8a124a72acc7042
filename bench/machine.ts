/** The machine a result was measured on: numbers from different machines are not comparable. */
import os from 'node:os';

export function machineInfo(): { cpus: number; model: string; node: string } {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown', node: process.version };
}
