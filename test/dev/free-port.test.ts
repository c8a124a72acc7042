/** freePort: a port a process can bind, picked where outgoing connections never land. */
import fs from 'node:fs';
import net from 'node:net';
import { freePort } from '../../dev/temporal-dev-server';

const outgoingLow = (() => {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 49152;
  }
})();

test('ports below the outgoing-connection range, each one bindable', async () => {
  const ports = [];
  for (let i = 0; i < 20; i++) ports.push(await freePort());
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(outgoingLow);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port, exclusive: true }, resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  }
});
