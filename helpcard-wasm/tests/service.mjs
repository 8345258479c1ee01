// The real key service for the browser tests: `helpcard-server --demo` on 127.0.0.1.
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const server = path.join(here, "..", "..", "target", "debug", "helpcard-server");

/// Starts `helpcard-server --demo` serving `dir` with `extra` arguments; resolves with what it
/// printed: the process, the demo cards' URLs and verdicts, its address and origin, the invite.
export async function startServer(dir, listen, dataDir, extra = []) {
  const child = spawn(server, ["--demo", "--listen", listen, "--www", dir, "--data", dataDir, ...extra], { stdio: ["ignore", "pipe", "inherit"] });
  const printed = { child, cards: {}, origin: "", listen: "", invite: "" };
  for await (const line of readline.createInterface({ input: child.stdout })) {
    let m;
    if ((m = line.match(/^helpcard-server listening on http:\/\/(\S+) \(origin (.+)\)$/))) [printed.listen, printed.origin] = [m[1], m[2]];
    else if ((m = line.match(/^demo card (\S+) \((\w+)\): (.+)$/))) printed.cards[m[1]] = { verdict: m[2], url: m[3] };
    else if ((m = line.match(/^demo invite: (\S+)$/))) printed.invite = m[1];
    else if (line === "ready") break;
  }
  return printed;
}
