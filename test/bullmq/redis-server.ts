/**
 * A private redis-server per test file: started from PATH on a free loopback
 * port, with persistence off and a temporary directory, stopped after. The
 * shared instance on 6379 is never touched.
 *
 * Without redis-server the bullmq tests fail under `CI=true` (a CI machine
 * must have it) and are skipped elsewhere with a notice saying why.
 */
import { describe, it } from "vitest";
import { redisUnavailable } from "../support/redis-server.js";

export { freePort, RedisServer } from "../support/redis-server.js";

/**
 * `describe` when redis-server can be started here. Elsewhere: under CI a
 * suite whose only test fails with the reason, otherwise a skipped suite and
 * a notice on stderr.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const reason = redisUnavailable();
  if (reason === undefined) {
    describe(name, body);
    return;
  }
  if (process.env["CI"] === "true") {
    describe(name, () => {
      it(`needs redis-server: ${reason}`, () => {
        throw new Error(`The bullmq tests need redis-server: ${reason}.`);
      });
    });
    return;
  }
  process.stderr.write(`\n*** SKIPPED ${name}: ${reason}. ***\n\n`);
  // Skipped only off CI, and announced above: the machine lacks redis-server, not the code.
  describe.skip(name, body);
}
