// What the browser tests share: the real key service (`helpcard-server --demo` on 127.0.0.1)
// and a card's QR code as pixels.
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import zlib from "node:zlib";
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

/// A square 1-bit greyscale PNG (what helpcard-qr writes) as one byte per pixel, 1 = white.
export function grayPng(png) {
  const width = png.readUInt32BE(16);
  if (png[24] !== 1 || png[25] !== 0) throw new Error("expected a 1-bit greyscale PNG");
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(chunks));
  const stride = Math.ceil(width / 8);
  const rows = [];
  for (let r = 0; r < width; r += 1) {
    const filter = raw[r * (stride + 1)];
    const line = Buffer.from(raw.subarray(r * (stride + 1) + 1, (r + 1) * (stride + 1)));
    const up = rows[r - 1] ?? Buffer.alloc(stride);
    for (let i = 0; i < stride; i += 1) {
      const a = i > 0 ? line[i - 1] : 0, b = up[i], c = i > 0 ? up[i - 1] : 0;
      const p = a + b - c, [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[i] = (line[i] + predictor) & 0xff;
    }
    rows.push(line);
  }
  const pixels = new Uint8Array(width * width);
  for (let r = 0; r < width; r += 1) {
    for (let c = 0; c < width; c += 1) pixels[r * width + c] = (rows[r][c >> 3] >> (7 - (c & 7))) & 1;
  }
  return { side: width, pixels };
}
